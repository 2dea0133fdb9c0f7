/**
 * Runs an external tool for the integration harness and tests. Every call has a
 * deadline, and a failure carries the command line and the tail of stderr so
 * that a broken CI run says which tool broke and why.
 */
import { spawn } from 'node:child_process';

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Bytes written to the child's stdin, which is then closed. */
  readonly input?: string | Buffer;
  readonly timeoutMs?: number;
  /** Resolve instead of throwing when the exit code is not 0. */
  readonly allowFailure?: boolean;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
// Enough for dpkg-query and inspect output; nothing we run prints more than this.
const MAX_CAPTURE_BYTES = 64 * 1024 * 1024;

export class CommandError extends Error {
  constructor(
    message: string,
    readonly result?: RunResult,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const shown = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes <= MAX_CAPTURE_BYTES) out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errBytes += chunk.length;
      if (errBytes <= MAX_CAPTURE_BYTES) err.push(chunk);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new CommandError(`${shown}: timed out after ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new CommandError(`${shown}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = {
        code: code ?? 128,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code === 0 || options.allowFailure) {
        resolve(result);
        return;
      }
      // Some tools (debootstrap) report their errors on stdout.
      const said = result.stderr.trim() || result.stdout.trim();
      const tail = said.split('\n').slice(-15).join('\n');
      reject(new CommandError(`${shown}: exit ${code ?? signal}\n${tail}`, result));
    });
    child.stdin.on('error', () => {
      // The child may exit before reading its input; its exit code tells the story.
    });
    child.stdin.end(options.input);
  });
}

/**
 * Runs a bash pipeline (`tar … | zstd …`) with pipefail. Arguments are passed
 * as positional parameters ($1, $2, …) so that no path is ever re-parsed by
 * the shell.
 */
export function runPipeline(script: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runCommand('bash', ['-euo', 'pipefail', '-c', script, 'pipeline', ...args], options);
}

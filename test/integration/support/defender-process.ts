/**
 * `bulkhead defender` as a real process for the integration tests: the CLI
 * from source under Node with tsx's loader (one process, so a SIGKILL really
 * kills the plugin), its stderr in a log file, ready once the plugin socket
 * answers /Plugin.Activate.
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnService, type ServiceProcess } from './service-process.js';
import { waitUntil } from './wait-until.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface DefenderProcess {
  readonly process: ServiceProcess;
  readonly socketPath: string;
  readonly logFile: string;
}

export function activate(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath, path: '/Plugin.Activate', method: 'POST', timeout: 2000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(res.statusCode === 200 && Buffer.concat(chunks).toString().includes('authz')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export async function startDefenderProcess(options: { args: readonly string[]; socketPath: string; logFile: string }): Promise<DefenderProcess> {
  const proc = spawnService(
    'bulkhead defender',
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts'), 'defender', ...options.args],
    options.logFile,
    10_000,
  );
  await waitUntil(`bulkhead defender (log: ${options.logFile})`, () => activate(options.socketPath), { timeoutMs: 60_000, intervalMs: 200, stillAlive: proc.exited });
  return { process: proc, socketPath: options.socketPath, logFile: options.logFile };
}

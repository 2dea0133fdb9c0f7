/**
 * A private dockerd for the integration tests: its own data root, exec root,
 * socket, pidfile, config file and managed containerd, no bridge and no
 * iptables rules, so it neither sees nor disturbs any other daemon on the
 * machine. Builds that need the network use `--network host`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DOCKER_CLI, dockerClientEnv } from './docker-client-env.js';
import { runCommand } from './run-command.js';
import { spawnService } from './service-process.js';
import type { RunOptions, RunResult } from './run-command.js';
import { unmountUnder } from './unmount-under.js';
import { waitUntil } from './wait-until.js';

export interface DockerDaemon {
  /** DOCKER_HOST value, e.g. unix:///tmp/bulkhead-it-x/docker/docker.sock */
  readonly host: string;
  readonly socketPath: string;
  readonly pid: number;
  readonly logFile: string;
  /** Environment for a docker CLI aimed at this daemon. */
  readonly env: NodeJS.ProcessEnv;
  docker(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
}

export interface DockerDaemonOptions {
  /** Empty directory the daemon owns; everything it writes stays below it. */
  readonly root: string;
  readonly startTimeoutMs?: number;
}

export async function startDockerDaemon(options: DockerDaemonOptions): Promise<DockerDaemon> {
  const root = path.resolve(options.root);
  const dataRoot = path.join(root, 'data');
  const execRoot = path.join(root, 'exec');
  const clientConfig = path.join(root, 'client');
  const socketPath = path.join(root, 'docker.sock');
  const pidFile = path.join(root, 'docker.pid');
  const logFile = path.join(root, 'dockerd.log');
  const configFile = path.join(root, 'daemon.json');
  await Promise.all([dataRoot, execRoot, clientConfig].map((dir) => mkdir(dir, { recursive: true })));
  // An explicit (empty) config file keeps /etc/docker/daemon.json, if any, out of the picture.
  await writeFile(configFile, '{}\n');
  await writeFile(path.join(clientConfig, 'config.json'), '{}\n');

  const host = `unix://${socketPath}`;
  const daemon = spawnService(
    'dockerd',
    '/usr/sbin/dockerd',
    [
        '--config-file', configFile,
        '--data-root', dataRoot,
        '--exec-root', execRoot,
        '--pidfile', pidFile,
        '--host', host,
        '--bridge=none',
        '--iptables=false',
        '--ip6tables=false',
        '--ip-masq=false',
        '--userland-proxy=false',
      ],
    logFile,
    30_000,
  );

  const env = dockerClientEnv(host, clientConfig);
  const docker = (args: readonly string[], runOptions: RunOptions = {}): Promise<RunResult> =>
    runCommand(DOCKER_CLI, args, { ...runOptions, env: { ...env, ...runOptions.env } });

  const stop = async (): Promise<void> => {
    await daemon.terminate();
    await killManagedContainerd(execRoot);
    await unmountUnder(root);
  };

  try {
    await waitUntil(
      `private dockerd (log: ${logFile})`,
      async () => (await docker(['version', '--format', '{{.Server.Version}}'], { allowFailure: true, timeoutMs: 10_000 })).code === 0,
      { timeoutMs: options.startTimeoutMs ?? 60_000, intervalMs: 500, stillAlive: daemon.exited },
    );
  } catch (error) {
    await stop();
    const log = await readFile(logFile, 'utf8').catch(() => '');
    const tail = log.trim().split('\n').slice(-10).join('\n');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${tail}`);
  }

  return { host, socketPath, pid: daemon.pid ?? 0, logFile, env, docker, stop };
}

/** dockerd stops the containerd it started, but a killed dockerd cannot: finish that job. */
export async function killManagedContainerd(execRoot: string): Promise<void> {
  const pidText = await readFile(path.join(execRoot, 'containerd', 'containerd.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(pidText.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return;
  // Only kill it if it is really our containerd (the pid may have been reused).
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes(execRoot)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(200);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Private dockerd instances for the host-audit tests, each with a chosen
 * daemon.json and extra flags (TLS on a 127.0.0.1 TCP socket, a tmpfs data
 * root). Same isolation as startDockerDaemon (own data root, exec root,
 * socket, pidfile, no bridge unless asked), but the audit needs to vary the
 * very flags that harness fixes, so the command line is built here.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DOCKER_CLI, dockerClientEnv } from './docker-client-env.js';
import { killManagedContainerd } from './docker-daemon.js';
import { runCommand } from './run-command.js';
import { spawnService } from './service-process.js';
import type { RunOptions, RunResult } from './run-command.js';
import { unmountUnder } from './unmount-under.js';
import { waitUntil } from './wait-until.js';

export interface AuditDaemon {
  readonly host: string;
  readonly socketPath: string;
  readonly configFile: string;
  readonly dataRoot: string;
  readonly pid: number;
  readonly env: NodeJS.ProcessEnv;
  docker(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
}

export interface AuditDaemonOptions {
  readonly root: string;
  readonly daemonJson: Record<string, unknown>;
  /** Flags beyond the isolation set (which includes --bridge=none, --iptables=false unless daemonJson sets iptables). */
  readonly flags?: readonly string[];
  /** Mount a tmpfs on the data root, making it a separate filesystem (CIS 1.1.1). */
  readonly tmpfsDataRoot?: boolean;
}

export async function startAuditDaemon(options: AuditDaemonOptions): Promise<AuditDaemon> {
  const root = path.resolve(options.root);
  const dataRoot = path.join(root, 'data');
  const execRoot = path.join(root, 'exec');
  const clientConfig = path.join(root, 'client');
  const socketPath = path.join(root, 'docker.sock');
  const configFile = path.join(root, 'daemon.json');
  const logFile = path.join(root, 'dockerd.log');
  await Promise.all([dataRoot, execRoot, clientConfig].map((d) => mkdir(d, { recursive: true })));
  if (options.tmpfsDataRoot) await runCommand('mount', ['-t', 'tmpfs', '-o', 'size=512m', 'tmpfs', dataRoot], { timeoutMs: 30_000 });
  await writeFile(configFile, `${JSON.stringify(options.daemonJson, null, 2)}\n`);
  await writeFile(path.join(clientConfig, 'config.json'), '{}\n');

  const host = `unix://${socketPath}`;
  const isolation = ['--bridge=none', '--ip6tables=false', '--ip-masq=false'];
  if (!('iptables' in options.daemonJson)) isolation.push('--iptables=false');
  const daemon = spawnService(
    'dockerd',
    '/usr/sbin/dockerd',
    ['--config-file', configFile, '--data-root', dataRoot, '--exec-root', execRoot, '--pidfile', path.join(root, 'docker.pid'), '-H', host, ...isolation, ...(options.flags ?? [])],
    logFile,
    30_000,
  );
  const env = dockerClientEnv(host, clientConfig);
  const docker = (args: readonly string[], runOptions: RunOptions = {}): Promise<RunResult> =>
    runCommand(DOCKER_CLI, args, { ...runOptions, env: { ...env, ...runOptions.env } });

  const stop = async (): Promise<void> => {
    if (daemon.exited() === undefined) {
      // With live-restore the containers would outlive the daemon: remove them first.
      const ids = (await docker(['ps', '-aq'], { allowFailure: true, timeoutMs: 30_000 })).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await docker(['rm', '-f', ...ids], { allowFailure: true, timeoutMs: 120_000 });
      await daemon.terminate();
    }
    await killManagedContainerd(execRoot);
    await unmountUnder(root);
  };

  try {
    await waitUntil(
      `audit dockerd (log: ${logFile})`,
      async () => (await docker(['version', '--format', '{{.Server.Version}}'], { allowFailure: true, timeoutMs: 10_000 })).code === 0,
      { timeoutMs: 90_000, intervalMs: 500, stillAlive: daemon.exited },
    );
  } catch (error) {
    await stop();
    const log = await readFile(logFile, 'utf8').catch(() => '');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${log.trim().split('\n').slice(-10).join('\n')}`);
  }
  return { host, socketPath, configFile, dataRoot, pid: daemon.pid ?? 0, env, docker, stop };
}

/**
 * A `docker-registry serve CONFIG` child process with its output in a log
 * file: whether it is still alive, and a stop that escalates to SIGKILL.
 * Shared by the harness registry and the auth-protected registries.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RegistryProcess {
  readonly pid: number | undefined;
  /** Why the process is gone, or undefined while it runs (for waitUntil's stillAlive). */
  exited(): string | undefined;
  stop(): Promise<void>;
}

export function spawnRegistry(configFile: string, logFile: string): RegistryProcess {
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `docker-registry exited (${code ?? signal})`;
      resolve();
    });
    child.on('error', (error) => {
      exited = `docker-registry failed to start: ${error.message}`;
      resolve();
    });
  });
  return {
    pid: child.pid,
    exited: () => exited,
    async stop() {
      if (exited !== undefined || child.pid === undefined) return;
      child.kill('SIGTERM');
      // The timer must not keep the test process alive on its own.
      const stopped = await Promise.race([exit.then(() => true), sleep(10_000, undefined, { ref: false }).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exit;
      }
    },
  };
}

/**
 * A service the integration tests start (docker-registry, dockerd) as a child
 * process with its output in a log file: whether it is still alive, and a
 * stop that escalates from SIGTERM to SIGKILL.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServiceProcess {
  readonly pid: number | undefined;
  /** Why the process is gone, or undefined while it runs (for waitUntil's stillAlive). */
  exited(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  terminate(): Promise<void>;
}

export function spawnService(name: string, command: string, args: readonly string[], logFile: string, graceMs: number): ServiceProcess {
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `${name} exited (${code ?? signal})`;
      resolve();
    });
    child.on('error', (error) => {
      exited = `${name} failed to start: ${error.message}`;
      resolve();
    });
  });
  return {
    pid: child.pid,
    exited: () => exited,
    async terminate() {
      if (exited !== undefined || child.pid === undefined) return;
      child.kill('SIGTERM');
      // The timer must not keep the test process alive on its own.
      const stopped = await Promise.race([exit.then(() => true), sleep(graceMs, undefined, { ref: false }).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exit;
      }
    },
  };
}

export function spawnRegistry(configFile: string, logFile: string): ServiceProcess {
  return spawnService('docker-registry', 'docker-registry', ['serve', configFile], logFile, 10_000);
}

/**
 * Standalone mode's policy: a file or directory, reloaded when it changes
 * (polled: inotify misses editors that replace files and bind-mounted
 * configs). A policy that no longer loads leaves the last good one in
 * force and says why — a typo must never open or close the host.
 */
import { stat } from 'node:fs/promises';
import { loadPolicySet, policyFiles, type PolicySet } from '../../policy/index.js';
import { describeError } from './describe-error.js';

export interface PolicyWatch {
  current(): PolicySet;
  /** Checks the files now (the poll does this every interval). */
  check(): Promise<void>;
  stop(): void;
}

async function signature(policyPath: string): Promise<string> {
  const files = await policyFiles(policyPath);
  const parts = await Promise.all(files.map(async (f) => {
    const s = await stat(f);
    return `${f}:${s.mtimeMs}:${s.size}`;
  }));
  return parts.join('|');
}

export async function watchPolicyFile(policyPath: string, options: { intervalMs?: number; log: (line: string) => void; onChange?: (p: PolicySet) => void }): Promise<PolicyWatch> {
  let policy = await loadPolicySet(policyPath);
  let seen = await signature(policyPath);
  let checking: Promise<void> | undefined;

  const check = (): Promise<void> => {
    checking ??= (async () => {
      try {
        const now = await signature(policyPath);
        if (now === seen) return;
        seen = now;
        const next = await loadPolicySet(policyPath);
        if (next.hash !== policy.hash) {
          policy = next;
          options.log(`policy ${policyPath} reloaded: ${next.name} ${next.version} (${next.hash.slice(0, 19)})`);
          options.onChange?.(next);
        }
      } catch (error) {
        options.log(`policy ${policyPath} not reloaded, the previous one stays in force: ${describeError(error)}`);
      }
    })().finally(() => {
      checking = undefined;
    });
    return checking;
  };
  const timer = setInterval(() => void check(), options.intervalMs ?? 1000);
  timer.unref();
  return { current: () => policy, check, stop: () => clearInterval(timer) };
}

/**
 * Unmounts whatever a daemon left mounted below a directory (dockerd keeps an
 * nsfs mount under its exec root; a killed debootstrap leaves /proc and /sys),
 * so that the directory can be removed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from './run-command.js';

export async function unmountUnder(root: string): Promise<void> {
  const prefix = path.resolve(root) + path.sep;
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  const targets = mounts
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter((target): target is string => target !== undefined)
    // /proc/self/mounts escapes spaces and the like as octal.
    .map((target) => target.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((target) => target.startsWith(prefix))
    // Deepest first, so that nested mounts come off before their parents.
    .sort((a, b) => b.length - a.length);
  for (const target of targets) {
    await runCommand('umount', ['-l', target], { allowFailure: true, timeoutMs: 30_000 });
  }
}

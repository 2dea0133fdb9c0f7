/**
 * Runs a command under GNU time and returns its wall time and peak RSS, so
 * Bulkhead and the reference tool are measured the same way in one run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Measurement {
  readonly seconds: number;
  readonly maxRssMiB: number;
}

const GNU_TIME = '/usr/bin/time';

export function measure(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Measurement {
  if (!existsSync(GNU_TIME)) throw new Error('GNU time is needed for RSS figures: apt-get install -y time');
  const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-bench-'));
  const out = path.join(dir, 'time.txt');
  try {
    const result = spawnSync(GNU_TIME, ['-f', '%e %M', '-o', out, command, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr.toString().slice(-2000)}`);
    const [seconds = 'NaN', kib = 'NaN'] = readFileSync(out, 'utf8').trim().split(/\s+/).slice(-2);
    return { seconds: Number(seconds), maxRssMiB: Number(kib) / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

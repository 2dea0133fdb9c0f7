/** The kernel audit rules in force, as `auditctl -l` prints them. */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { known, reasonOf, unknown } from './known.js';
import type { Known } from './known.js';

const CANDIDATES = ['/usr/sbin/auditctl', '/sbin/auditctl', '/usr/bin/auditctl'];

export async function readAuditRules(): Promise<Known<readonly string[]>> {
  let binary: string | undefined;
  for (const candidate of CANDIDATES) {
    if (await access(candidate).then(() => true, () => false)) {
      binary = candidate;
      break;
    }
  }
  if (!binary) return unknown('auditctl not available');
  return new Promise((resolve) => {
    execFile(binary, ['-l'], { timeout: 5_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) resolve(unknown(`auditctl -l failed: ${(stderr || reasonOf(error)).trim().slice(0, 200)}`));
      else resolve(known(stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '' && l !== 'No rules')));
    });
  });
}

/** True when a rule watches the path: `-w PATH …` or `-F path=PATH`. */
export function ruleWatches(rules: readonly string[], file: string): boolean {
  return rules.some((rule) => {
    const tokens = rule.split(/\s+/);
    return tokens.some((t, i) => (t === '-w' && tokens[i + 1] === file) || t === `path=${file}` || t === `dir=${file}`);
  });
}

/** /proc/self/mountinfo: which paths are mount points (CIS 1.1.1 wants the Docker root on its own partition). */
import { readBounded } from './read-bounded.js';
import { known, reasonOf, unknown } from './known.js';
import type { Known } from './known.js';

export interface MountEntry {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

export async function readMountInfo(file = '/proc/self/mountinfo'): Promise<Known<readonly MountEntry[]>> {
  try {
    const text = (await readBounded(file, 16 * 1024 * 1024)).toString('utf8');
    return known(parseMountInfo(text));
  } catch (error) {
    return unknown(`mount table: ${reasonOf(error)}`);
  }
}

export function parseMountInfo(text: string): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    if (fields.length < 7 || sep < 6) continue;
    mounts.push({ mountPoint: unescapeOctal(fields[4] as string), fsType: fields[sep + 1] ?? '', source: unescapeOctal(fields[sep + 2] ?? '') });
  }
  return mounts;
}

function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, code: string) => String.fromCharCode(Number.parseInt(code, 8)));
}

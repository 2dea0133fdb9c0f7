/** /etc/group of the audited root: gid ↔ name and members, for ownership and the docker group check. */
import { readBounded } from './read-bounded.js';
import { known, reasonOf, unknown } from './known.js';
import type { Known } from './known.js';

export interface HostGroup {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

export async function readGroups(fsPath: string): Promise<Known<readonly HostGroup[]>> {
  try {
    const text = (await readBounded(fsPath, 4 * 1024 * 1024)).toString('utf8');
    const groups: HostGroup[] = [];
    for (const line of text.split('\n')) {
      const [name, , gid, members] = line.split(':');
      if (!name || gid === undefined || !/^\d+$/.test(gid)) continue;
      groups.push({ name, gid: Number(gid), members: (members ?? '').split(',').map((m) => m.trim()).filter(Boolean) });
    }
    return known(groups);
  } catch (error) {
    return unknown(`/etc/group: ${reasonOf(error)}`);
  }
}

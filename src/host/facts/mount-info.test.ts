import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMountInfo, readMountInfo } from './mount-info.js';

describe('mountinfo', () => {
  it('unescapes octal sequences and finds the fields after the separator', () => {
    const line = '36 35 98:0 /mnt1 /mnt\\040point rw,noatime master:1 - ext3 /dev/root rw,errors=continue';
    expect(parseMountInfo(line)).toEqual([{ mountPoint: '/mnt point', fsType: 'ext3', source: '/dev/root' }]);
  });

  it.skipIf(!existsSync('/usr/bin/findmnt') && !existsSync('/bin/findmnt'))('lists the mount points findmnt lists', async () => {
    const mounts = await readMountInfo();
    if (!mounts.ok) throw new Error(mounts.reason);
    const findmnt = execFileSync('findmnt', ['-rn', '-o', 'TARGET', '--task', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((t) => t.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))));
    expect(new Set(mounts.value.map((m) => m.mountPoint))).toEqual(new Set(findmnt));
  });
});

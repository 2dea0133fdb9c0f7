/**
 * The processes of each container, found by the container id in each
 * process's cgroup path (works for host-PID containers too, where the PID
 * namespace would show the whole host). One /proc scan serves every container.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readBounded } from './read-bounded.js';
import { known, reasonOf, unknown } from './known.js';
import type { Known } from './known.js';

export interface ContainerProcess {
  readonly pid: number;
  readonly comm: string;
  readonly argv0: string;
}

export async function readContainerProcesses(procRoot: string): Promise<Known<ReadonlyMap<string, readonly ContainerProcess[]>>> {
  let entries: string[];
  try {
    entries = (await readdir(procRoot)).filter((e) => /^\d+$/.test(e));
  } catch (error) {
    return unknown(`cannot list processes: ${reasonOf(error)}`);
  }
  const byContainer = new Map<string, ContainerProcess[]>();
  // In slices, so a host with thousands of processes does not exhaust file descriptors.
  for (let start = 0; start < entries.length; start += 64) {
    await Promise.all(entries.slice(start, start + 64).map(async (entry) => {
      const cgroup = await readBounded(path.join(procRoot, entry, 'cgroup'), 64 * 1024).catch(() => undefined);
      // The innermost id: the auditing host may itself run inside a container whose id is an outer path component.
      const id = cgroup?.toString('utf8').match(/[0-9a-f]{64}/g)?.at(-1);
      if (!id) return;
      const [comm, cmdline] = await Promise.all([
        readBounded(path.join(procRoot, entry, 'comm'), 4096).catch(() => Buffer.alloc(0)),
        readBounded(path.join(procRoot, entry, 'cmdline'), 64 * 1024).catch(() => Buffer.alloc(0)),
      ]);
      const list = byContainer.get(id) ?? [];
      list.push({ pid: Number(entry), comm: comm.toString('utf8').trim(), argv0: cmdline.toString('utf8').split('\0')[0] ?? '' });
      byContainer.set(id, list);
    }));
  }
  return known(byContainer);
}

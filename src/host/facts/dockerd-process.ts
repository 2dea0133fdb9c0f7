/**
 * Finds the running dockerd by scanning /proc and reads its command line.
 * When several daemons run (tests, rootless beside rootful) the one serving
 * the audited socket is chosen.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readBounded } from './read-bounded.js';
import { known, reasonOf, unknown } from './known.js';
import type { Known } from './known.js';
import { parseDockerdArgs } from './dockerd-args.js';
import type { DockerdArgs } from './dockerd-args.js';

const MAX_CMDLINE_BYTES = 128 * 1024;

export interface DockerdProcess {
  readonly pid: number;
  readonly argv: readonly string[];
  readonly args: DockerdArgs;
}

/** socketPath: the unix socket being audited, used to pick among several daemons. */
export async function findDockerd(procRoot: string, socketPath: string | undefined): Promise<Known<DockerdProcess>> {
  let entries: string[];
  try {
    entries = (await readdir(procRoot)).filter((e) => /^\d+$/.test(e));
  } catch (error) {
    return unknown(`cannot list processes: ${reasonOf(error)}`);
  }
  const found: DockerdProcess[] = [];
  for (const entry of entries) {
    const raw = await readBounded(path.join(procRoot, entry, 'cmdline'), MAX_CMDLINE_BYTES).catch(() => undefined);
    if (!raw || raw.length === 0) continue;
    const argv = raw.toString('utf8').split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
    if (path.basename(argv[0] ?? '') !== 'dockerd') continue;
    found.push({ pid: Number(entry), argv, args: parseDockerdArgs(argv.slice(1)) });
  }
  if (found.length === 0) return unknown('no dockerd process found in /proc');
  if (found.length === 1 && !socketPath) return known(found[0] as DockerdProcess);
  const serving = found.filter((p) => (p.args.values.get('host') ?? []).some((h) => h === `unix://${socketPath}` || h === socketPath));
  if (serving.length === 1) return known(serving[0] as DockerdProcess);
  // The default socket is served by a daemon started without -H (or with it in daemon.json).
  const withoutHost = found.filter((p) => !p.args.values.has('host'));
  if (withoutHost.length === 1 && (!socketPath || socketPath === '/var/run/docker.sock' || socketPath === '/run/docker.sock')) {
    return known(withoutHost[0] as DockerdProcess);
  }
  if (found.length === 1) return known(found[0] as DockerdProcess);
  return unknown(`${found.length} dockerd processes run and none names ${socketPath ?? 'the default socket'} on its command line`);
}

/**
 * stat results for the daemon's files, each path resolved inside the audited
 * root. A symbolic link is followed only while it stays inside that root.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { known, reasonOf, unknown } from './known.js';
import type { Known } from './known.js';

export interface FileFact {
  readonly path: string;
  readonly kind: 'file' | 'directory' | 'socket' | 'other';
  /** Permission bits, e.g. 0o644. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** undefined = the file does not exist. */
export type FileLookup = Known<FileFact | undefined>;

export function resolveInRoot(root: string, hostPath: string): string | undefined {
  const resolved = path.resolve(root, `.${path.posix.resolve('/', hostPath)}`);
  return resolved === root || resolved.startsWith(root.endsWith('/') ? root : `${root}/`) ? resolved : undefined;
}

export async function statInRoot(root: string, hostPath: string): Promise<FileLookup> {
  const fsPath = resolveInRoot(root, hostPath);
  if (!fsPath) return unknown(`${hostPath} is outside the audited root`);
  try {
    await lstat(fsPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return known(undefined);
    return unknown(reasonOf(error));
  }
  try {
    if (root !== '/') {
      const real = await realpath(fsPath);
      const rootReal = await realpath(root);
      if (real !== rootReal && !real.startsWith(`${rootReal}/`)) return unknown(`${hostPath} links outside the audited root`);
    }
    const st = await stat(fsPath);
    const kind = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSocket() ? 'socket' : 'other';
    return known({ path: hostPath, kind, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return known(undefined);
    return unknown(reasonOf(error));
  }
}

/** Regular files below a directory, at most maxDepth levels and maxFiles entries (registry certificate trees are small). */
export async function listFilesInRoot(root: string, hostDir: string, maxDepth = 3, maxFiles = 500): Promise<Known<string[]>> {
  const fsDir = resolveInRoot(root, hostDir);
  if (!fsDir) return unknown(`${hostDir} is outside the audited root`);
  const out: string[] = [];
  const walk = async (dir: string, hostPrefix: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (out.length >= maxFiles) return;
      const hostChild = path.posix.join(hostPrefix, entry.name);
      if (entry.isDirectory() && depth < maxDepth) await walk(path.join(dir, entry.name), hostChild, depth + 1);
      else if (entry.isFile() || entry.isSymbolicLink()) out.push(hostChild);
    }
  };
  try {
    await walk(fsDir, hostDir, 1);
    return known(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return known([]);
    return unknown(reasonOf(error));
  }
}

export function octal(mode: number): string {
  return mode.toString(8).padStart(3, '0');
}

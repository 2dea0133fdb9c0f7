/**
 * An in-memory FileTree for cataloger tests: build one from a path → content
 * map, or mirror a directory of test data under a mount point. It follows the
 * FileTree contract (symlinks resolved inside the root, reads bounded, only
 * "buffered" paths readable) so catalogers see what a squashed image offers.
 */
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { FileEntry, FileTree, FileType } from '../../../image/file-tree.js';

export interface MemoryFile {
  readonly content?: string | Buffer;
  readonly type?: FileType;
  readonly linkTarget?: string;
  readonly mode?: number;
  readonly layer?: string;
}

export interface MemoryFileTreeOptions {
  /** Which paths have buffered content; defaults to every regular file. */
  readonly readable?: (path: string) => boolean;
  readonly layer?: string;
}

const MAX_HOPS = 40;

export function memoryFileTree(
  files: Readonly<Record<string, string | Buffer | MemoryFile>>,
  options: MemoryFileTreeOptions = {},
): FileTree {
  const entries = new Map<string, FileEntry>();
  const contents = new Map<string, Buffer>();
  const addDir = (dir: string): void => {
    if (entries.has(dir)) return;
    entries.set(dir, { path: dir, type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 });
    if (dir !== '/') addDir(path.posix.dirname(dir));
  };
  addDir('/');
  for (const [rawPath, value] of Object.entries(files)) {
    const p = path.posix.resolve('/', rawPath);
    const file: MemoryFile = typeof value === 'string' || Buffer.isBuffer(value) ? { content: value } : value;
    const type = file.type ?? 'file';
    const content = file.content === undefined ? Buffer.alloc(0) : Buffer.from(file.content);
    addDir(path.posix.dirname(p));
    const layer = file.layer ?? options.layer;
    entries.set(p, {
      path: p,
      type,
      mode: file.mode ?? (type === 'dir' ? 0o755 : 0o644),
      uid: 0,
      gid: 0,
      size: type === 'file' ? content.length : 0,
      ...(file.linkTarget !== undefined ? { linkTarget: file.linkTarget } : {}),
      ...(layer !== undefined ? { layer } : {}),
    });
    if (type === 'file') contents.set(p, content);
  }

  const resolve = (input: string, followLast: boolean): string | undefined => {
    let hops = 0;
    const walk = (p: string): string | undefined => {
      const parts = path.posix.resolve('/', p).split('/').filter(Boolean);
      let current = '/';
      for (let i = 0; i < parts.length; i++) {
        const next = path.posix.join(current, parts[i] ?? '');
        const entry = entries.get(next);
        if (!entry) return undefined;
        const isLast = i === parts.length - 1;
        if (entry.type === 'symlink' && (!isLast || followLast)) {
          if (++hops > MAX_HOPS) return undefined;
          const target = entry.linkTarget ?? '';
          const base = target.startsWith('/') ? target : path.posix.join(current, target);
          const resolved = walk(base);
          if (resolved === undefined) return undefined;
          current = resolved;
        } else if (entry.type === 'hardlink' && isLast && followLast) {
          current = path.posix.resolve('/', entry.linkTarget ?? '');
        } else {
          current = next;
        }
      }
      return current;
    };
    return walk(input);
  };

  const isReadable = (p: string): boolean => {
    const resolved = resolve(p, true);
    if (resolved === undefined || !contents.has(resolved)) return false;
    return options.readable ? options.readable(path.posix.resolve('/', p)) || options.readable(resolved) : true;
  };

  return {
    get: (p) => {
      const r = resolve(p, true);
      return r === undefined ? undefined : entries.get(r);
    },
    lstat: (p) => {
      const parent = resolve(path.posix.dirname(path.posix.resolve('/', p)), true);
      if (parent === undefined) return undefined;
      return entries.get(path.posix.join(parent, path.posix.basename(p)));
    },
    resolve: (p) => resolve(p, true),
    readable: isReadable,
    read: (p, maxBytes) => {
      const resolved = resolve(p, true);
      const content = resolved === undefined ? undefined : contents.get(resolved);
      if (content === undefined || !isReadable(p)) {
        return Promise.reject(new Error(`not readable: ${p}`));
      }
      if (content.length > maxBytes) {
        return Promise.reject(new Error(`${p} is ${content.length} bytes, more than ${maxBytes}`));
      }
      return Promise.resolve(Buffer.from(content));
    },
    entries: () => entries.values(),
  };
}

/** Mirrors a directory (files and symlinks) into a memory tree under `mountAt`. */
export async function memoryFileTreeFromDirectory(
  dir: string,
  mountAt = '/',
  options: MemoryFileTreeOptions = {},
): Promise<FileTree> {
  const files: Record<string, MemoryFile> = {};
  const visit = async (abs: string, rel: string): Promise<void> => {
    for (const name of await readdir(abs)) {
      const childAbs = path.join(abs, name);
      const childRel = path.posix.join(rel, name);
      const stat = await lstat(childAbs);
      const at = path.posix.join(mountAt, childRel);
      if (stat.isSymbolicLink()) files[at] = { type: 'symlink', linkTarget: await readlink(childAbs) };
      else if (stat.isDirectory()) {
        files[at] = { type: 'dir' };
        await visit(childAbs, childRel);
      } else if (stat.isFile()) files[at] = { content: await readFile(childAbs) };
    }
  };
  await visit(dir, '');
  return memoryFileTree(files, options);
}

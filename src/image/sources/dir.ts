/**
 * `dir:PATH` — a root filesystem on disk (an unpacked image, a mounted
 * container). Every path is resolved inside PATH as if chrooted there: a
 * symlink to '/etc/x' means PATH/etc/x and '..' stops at PATH, so the scan
 * never reads the host's files through the tree.
 */
import { constants, lstatSync, readlinkSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { open, opendir } from 'node:fs/promises';
import path from 'node:path';
import { BadInputError, BulkheadError, LimitExceededError } from '../../domain/errors.js';
import type { ScanWarning } from '../../domain/inventory.js';
import type { FileEntry, FileTree, FileType } from '../file-tree.js';
import { DEFAULT_LIMITS } from '../limits.js';
import type { ReadLimits } from '../limits.js';

export interface DirectorySelection {
  /** Entries whose path the predicate accepted (symlinked directories are not descended). */
  readonly files: FileEntry[];
  readonly warnings: ScanWarning[];
}

export interface DirectoryTarget {
  readonly kind: 'dir';
  readonly reference: string;
  /** The real path of the root on the host. */
  readonly root: string;
  readonly tree: FileTree;
  /** Walks the whole root once (bounded by maxEntriesPerLayer) and returns the selected entries. */
  select(selects: (path: string) => boolean): Promise<DirectorySelection>;
  close(): Promise<void>;
}

function typeOf(stats: Stats): FileType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

export async function openDirectory(dir: string, limitOverrides: Partial<ReadLimits> = {}): Promise<DirectoryTarget> {
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...limitOverrides };
  let root: string;
  try {
    root = realpathSync(dir);
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new BadInputError(`dir:${dir} is not a readable directory`, { cause: error });
  }
  const host = (names: readonly string[]): string => path.join(root, ...names);

  function entryFor(names: readonly string[], stats: Stats): FileEntry {
    const type = typeOf(stats);
    let linkTarget: string | undefined;
    if (type === 'symlink') {
      try {
        linkTarget = readlinkSync(host(names));
      } catch {
        linkTarget = undefined;
      }
    }
    return {
      path: '/' + names.join('/'),
      type,
      mode: stats.mode & 0o7777,
      uid: stats.uid,
      gid: stats.gid,
      size: type === 'file' ? stats.size : 0,
      ...(linkTarget !== undefined ? { linkTarget } : {}),
    };
  }

  /** Resolves inside the root. Names never hold '/', '.' or '..', so host(names) cannot leave it. */
  function walk(target: string, followLast: boolean): { names: string[]; stats: Stats } | undefined {
    if (target.length > limits.maxPathLength || target.includes('\0')) return undefined;
    const pending = target.split('/').filter((p) => p !== '' && p !== '.').reverse();
    let names: string[] = [];
    let stats: Stats = statSync(root);
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.pop() as string;
      if (name === '..') {
        names.pop();
        stats = lstatSync(host(names));
        continue;
      }
      if (!stats.isDirectory()) return undefined;
      const next = lstatOrUndefined(host([...names, name]));
      if (!next) return undefined;
      if (next.isSymbolicLink() && (pending.length > 0 || followLast)) {
        if (++hops > limits.maxSymlinkHops) return undefined;
        let link: string;
        try {
          link = readlinkSync(host([...names, name]));
        } catch {
          return undefined;
        }
        if (link.length > limits.maxPathLength) return undefined;
        if (link.startsWith('/')) {
          names = [];
          stats = statSync(root);
        }
        const parts = link.split('/').filter((p) => p !== '' && p !== '.');
        for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i] as string);
        continue;
      }
      names.push(name);
      stats = next;
    }
    return { names, stats };
  }

  function* entries(include?: (path: string, type: FileType) => boolean): Iterable<FileEntry> {
    const stack: string[][] = [[]];
    let count = 0;
    while (stack.length > 0) {
      const names = stack.pop() as string[];
      let children: string[];
      try {
        children = readdirSync(host(names));
      } catch {
        continue;
      }
      for (const child of children) {
        const childNames = [...names, child];
        const stats = lstatOrUndefined(host(childNames));
        if (!stats) continue;
        if (++count > limits.maxEntriesPerLayer) throw new LimitExceededError(`dir:${dir} has more than ${limits.maxEntriesPerLayer} entries`);
        const entry = entryFor(childNames, stats);
        if (!include || include(entry.path, entry.type)) yield entry;
        if (stats.isDirectory()) stack.push(childNames);
      }
    }
  }

  const tree: FileTree = {
    get(p) {
      const found = walk(p, true);
      return found ? entryFor(found.names, found.stats) : undefined;
    },
    lstat(p) {
      const found = walk(p, false);
      return found ? entryFor(found.names, found.stats) : undefined;
    },
    resolve(p) {
      const found = walk(p, true);
      return found ? '/' + found.names.join('/') : undefined;
    },
    readable(p) {
      return walk(p, true)?.stats.isFile() === true;
    },
    async read(p, maxBytes) {
      const found = walk(p, true);
      if (!found) throw new BadInputError(`${p}: no such file in dir:${dir}`);
      if (!found.stats.isFile()) throw new BadInputError(`${p}: not a regular file`);
      if (found.stats.size > maxBytes) throw new LimitExceededError(`${p}: ${found.stats.size} bytes exceeds the ${maxBytes}-byte read limit`);
      // O_NOFOLLOW: a symlink swapped in after resolution must not lead out of the root.
      const handle = await open(host(found.names), constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) => {
        throw new BulkheadError(`${p}: cannot open: ${(error as Error).message}`, { cause: error });
      });
      try {
        const buf = Buffer.alloc(Math.min(found.stats.size, maxBytes) + 1);
        let at = 0;
        while (at < buf.length) {
          const { bytesRead } = await handle.read(buf, at, buf.length - at, at);
          if (bytesRead === 0) break;
          at += bytesRead;
        }
        if (at > maxBytes) throw new LimitExceededError(`${p}: grew beyond the ${maxBytes}-byte read limit while reading`);
        return buf.subarray(0, at);
      } finally {
        await handle.close();
      }
    },
    entries,
  };

  async function select(selects: (p: string) => boolean): Promise<DirectorySelection> {
    const files: FileEntry[] = [];
    const warnings: ScanWarning[] = [];
    const stack: string[][] = [[]];
    let count = 0;
    while (stack.length > 0) {
      const names = stack.pop() as string[];
      let handle;
      try {
        handle = await opendir(host(names), { bufferSize: 256 });
      } catch (error) {
        warnings.push({ message: `cannot read directory: ${(error as Error).message}`, path: '/' + names.join('/'), source: 'image' });
        continue;
      }
      for await (const dirent of handle) {
        if (++count > limits.maxEntriesPerLayer) {
          warnings.push({ message: `stopped after ${limits.maxEntriesPerLayer} entries (maxEntriesPerLayer)`, source: 'image' });
          return { files, warnings };
        }
        const childNames = [...names, dirent.name];
        const childPath = '/' + childNames.join('/');
        if (dirent.isDirectory()) stack.push(childNames);
        if (selects(childPath)) {
          const stats = lstatOrUndefined(host(childNames));
          if (stats) files.push(entryFor(childNames, stats));
        }
      }
    }
    return { files, warnings };
  }

  return { kind: 'dir', reference: dir, root, tree, select, close: async () => undefined };
}

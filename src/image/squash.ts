/**
 * Squashes layer records into the in-memory FileTree catalogers read:
 * whiteouts hide lower paths, opaque directories hide lower children and
 * later layers win. Path resolution follows symlinks inside the image root
 * only (an absolute target restarts at the image root, '..' stops at '/'),
 * bounded by maxSymlinkHops so a loop ends as "not found", never as a hang.
 */
import { BadInputError, BulkheadError, LimitExceededError } from '../domain/errors.js';
import type { ScanWarning } from '../domain/inventory.js';
import type { FileEntry, FileTree, FileType } from './file-tree.js';
import type { LayerRecord } from './layer-reader.js';
import type { ReadLimits } from './limits.js';

/** One path in the tree. The name lives in the parent's map and the path is rebuilt on demand, keeping 100k-file images small. */
interface TreeNode {
  type: FileType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkTarget: string | undefined;
  layer: string | undefined;
  content: Buffer | undefined;
  children: Map<string, TreeNode> | undefined;
}

function makeNode(
  type: FileType,
  mode: number,
  uid: number,
  gid: number,
  size: number,
  linkTarget: string | undefined,
  layer: string | undefined,
  content: Buffer | undefined,
): TreeNode {
  return { type, mode, uid, gid, size, linkTarget, layer, content, children: type === 'dir' ? new Map() : undefined };
}

function components(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

export interface SquashedTree extends FileTree {
  /** Applies one layer on top of what is there. Layers must be applied base first. */
  apply(record: LayerRecord): void;
}

interface Walked {
  readonly node: TreeNode;
  readonly path: string;
}

export function createSquashedTree(
  limits: Pick<ReadLimits, 'maxSymlinkHops'>,
  warn: (warning: ScanWarning) => void = () => undefined,
): SquashedTree {
  const root = makeNode('dir', 0o755, 0, 0, 0, undefined, undefined, undefined);

  /**
   * Walks `path` from the root. `create` makes missing directories under
   * `layer`, as extracting a tar does; a file in the way stops the walk.
   */
  function walk(path: string, followLast: boolean, create?: { layer: string }): Walked | undefined {
    const pending = components(path).reverse();
    let chain: TreeNode[] = [root];
    let names: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.pop() as string;
      const current = chain[chain.length - 1] as TreeNode;
      if (name === '..') {
        if (names.length > 0) {
          names.pop();
          chain.pop();
        }
        continue;
      }
      if (!current.children) return undefined;
      let child = current.children.get(name);
      const last = pending.length === 0;
      if (create && !child) {
        child = makeNode('dir', 0o755, 0, 0, 0, undefined, create.layer, undefined);
        current.children.set(name, child);
      }
      if (!child) return undefined;
      if (child.type === 'symlink' && (!last || followLast)) {
        if (++hops > limits.maxSymlinkHops) return undefined;
        const target = child.linkTarget ?? '';
        // Linux refuses empty link targets; resolving one to its own directory would invent a path.
        if (target === '') return undefined;
        if (target.startsWith('/')) {
          chain = [root];
          names = [];
        }
        const parts = components(target);
        for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i] as string);
        continue;
      }
      chain.push(child);
      names.push(name);
    }
    return { node: chain[chain.length - 1] as TreeNode, path: '/' + names.join('/') };
  }

  /**
   * Resolved directories by the path string asked for, for lookups once the tree is built: catalogers
   * resolve tens of thousands of paths (every file a dpkg package lists), mostly in a few hundred
   * directories. Cleared by apply(), the only thing that changes the tree.
   */
  const resolvedDirs = new Map<string, Walked | undefined>();

  /** walk() without `create`, resolving the parent directory once per directory. */
  function lookup(path: string, followLast: boolean): Walked | undefined {
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    if (slash <= 0 || name === '' || name === '.' || name === '..') return walk(path, followLast);
    const dir = path.slice(0, slash);
    let parent = resolvedDirs.get(dir);
    if (parent === undefined && !resolvedDirs.has(dir)) {
      parent = walk(dir, true);
      resolvedDirs.set(dir, parent);
    }
    if (!parent?.node.children) return undefined;
    const child = parent.node.children.get(name);
    if (!child) return undefined;
    // A symlink to follow may climb out of this directory: the full walk counts its hops.
    if (child.type === 'symlink' && followLast) return walk(path, followLast);
    return { node: child, path: parent.path === '/' ? `/${name}` : `${parent.path}/${name}` };
  }

  function split(path: string): { dir: string; name: string } {
    const slash = path.lastIndexOf('/');
    return { dir: path.slice(0, slash) || '/', name: path.slice(slash + 1) };
  }

  function toEntry(path: string, node: TreeNode): FileEntry {
    return {
      path,
      type: node.type,
      mode: node.mode,
      uid: node.uid,
      gid: node.gid,
      size: node.size,
      ...(node.linkTarget !== undefined ? { linkTarget: node.linkTarget } : {}),
      ...(node.layer !== undefined ? { layer: node.layer } : {}),
    };
  }

  function apply(record: LayerRecord): void {
    resolvedDirs.clear();
    const layer = record.diffId;
    const warnAt = (message: string, path: string): void => warn({ message, path, layer, source: 'image' });
    // Whiteouts and opaque markers speak about the layers below, whatever their order inside this tar.
    for (const dir of record.opaqueDirs) {
      const found = walk(dir, true);
      if (found?.node.children) found.node.children = new Map();
    }
    for (const path of record.whiteouts) {
      const { dir, name } = split(path);
      walk(dir, true)?.node.children?.delete(name);
    }
    // Parent directories resolved so far in this layer: most entries share a parent with many others, and
    // walking from the root for each of 100k entries dominated squashing. Only replacing an existing
    // directory or symlink can change where a path resolves, so that clears the cache.
    const parents = new Map<string, TreeNode>();
    for (const entry of record.entries) {
      if (entry.path === '/') {
        root.mode = entry.mode;
        root.uid = entry.uid;
        root.gid = entry.gid;
        continue;
      }
      const { dir, name } = split(entry.path);
      let parentNode = parents.get(dir);
      if (!parentNode) {
        parentNode = walk(dir, true, { layer })?.node;
        if (!parentNode?.children) {
          warnAt('parent directory cannot be resolved (symlink loop); entry skipped', entry.path);
          continue;
        }
        parents.set(dir, parentNode);
      }
      const siblings = parentNode.children as Map<string, TreeNode>;
      const existing = siblings.get(name);
      if (existing && (existing.type === 'symlink' || (existing.type === 'dir' && entry.type !== 'dir'))) parents.clear();
      if (entry.type === 'dir' && existing?.type === 'dir') {
        existing.mode = entry.mode;
        existing.uid = entry.uid;
        existing.gid = entry.gid;
        existing.layer = layer;
        continue;
      }
      let size = entry.size;
      let content = record.contents.get(entry.path);
      let type = entry.type;
      let linkTarget = entry.linkTarget;
      if (entry.type === 'hardlink') {
        const target = walk(entry.linkTarget ?? '', false);
        if (target && (target.node.type === 'file' || target.node.type === 'hardlink')) {
          size = target.node.size;
          content ??= target.node.content;
        } else if (target?.node.type === 'symlink') {
          // A hard link to a symlink is another name for the same link.
          type = 'symlink';
          linkTarget = target.node.linkTarget;
        } else {
          warnAt(`hard link target ${entry.linkTarget ?? ''} does not exist`, entry.path);
        }
      }
      siblings.set(name, makeNode(type, entry.mode, entry.uid, entry.gid, size, linkTarget, layer, content));
    }
  }

  function* entries(include?: (path: string, type: FileType) => boolean): Iterable<FileEntry> {
    const stack: Array<[string, TreeNode]> = [['', root]];
    while (stack.length > 0) {
      const [path, node] = stack.pop() as [string, TreeNode];
      if (!node.children) continue;
      for (const [name, child] of node.children) {
        const childPath = `${path}/${name}`;
        if (!include || include(childPath, child.type)) yield toEntry(childPath, child);
        if (child.children) stack.push([childPath, child]);
      }
    }
  }

  return {
    apply,
    get(path) {
      const found = lookup(path, true);
      return found ? toEntry(found.path, found.node) : undefined;
    },
    lstat(path) {
      const found = lookup(path, false);
      return found ? toEntry(found.path, found.node) : undefined;
    },
    resolve(path) {
      return lookup(path, true)?.path;
    },
    async read(path, maxBytes) {
      const found = lookup(path, true);
      if (!found) throw new BadInputError(`${path}: no such file in the image`);
      const { node } = found;
      if (node.type !== 'file' && node.type !== 'hardlink') throw new BadInputError(`${path}: not a regular file`);
      if (node.size > maxBytes) throw new LimitExceededError(`${path}: ${node.size} bytes exceeds the ${maxBytes}-byte read limit`);
      if (!node.content) throw new BulkheadError(`${path}: content was not selected for reading`);
      return node.content;
    },
    readable(path) {
      return lookup(path, true)?.node.content !== undefined;
    },
    entries,
  };
}

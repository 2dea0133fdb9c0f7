/**
 * The squashed view of an image (or a directory) that catalogers read from.
 * Every entry's metadata is known; file content is only available for paths
 * that some cataloger selected while the layers streamed by.
 */

export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface FileEntry {
  /** Absolute, normalized path inside the root: '/usr/lib/os-release'. */
  readonly path: string;
  readonly type: FileType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Symlink target as written, or the hardlink's target path. */
  readonly linkTarget?: string;
  /** diffId of the layer that last wrote this path; absent for directory targets. */
  readonly layer?: string;
}

export interface FileTree {
  /** Entry at `path` with every symlink (in parents and the last component) resolved inside the root. */
  get(path: string): FileEntry | undefined;
  /** Entry at `path` without following a symlink in the last component. */
  lstat(path: string): FileEntry | undefined;
  /** Canonical path after resolving symlinks inside the root, or undefined when it does not exist. */
  resolve(path: string): string | undefined;
  /**
   * Content of a regular file (following links). Throws when the file was not
   * selected for buffering, does not exist, or is larger than maxBytes.
   */
  read(path: string, maxBytes: number): Promise<Buffer>;
  /** Whether read() can return this path's content. */
  readable(path: string): boolean;
  /**
   * Every entry, in no particular order; with `include`, only those it accepts (asked before the entry
   * is built: an image has 100k+ entries and most callers want a few of them).
   */
  entries(include?: (path: string, type: FileType) => boolean): Iterable<FileEntry>;
}

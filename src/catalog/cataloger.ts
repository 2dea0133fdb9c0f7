/**
 * The cataloger contract. A cataloger declares which paths it needs
 * (`selects`, pure and cheap: it runs for every file of every layer while the
 * image streams), then turns those files into packages.
 */
import type { Distro } from '../domain/distro.js';
import type { Ecosystem } from '../domain/ecosystem.js';
import type { Package, RelationshipType } from '../domain/package.js';
import type { FileEntry, FileTree } from '../image/file-tree.js';

/** A package before the runner assigns its id and foundBy. */
export type PackageDraft = Omit<Package, 'id' | 'foundBy'> & {
  /** Cataloger-local key, used only to express relationships between drafts. */
  readonly key?: string;
  /**
   * Absolute paths the package installed (OS package databases record them).
   * The runner uses them to find the layer that introduced the package and to
   * mark language packages and runtime binaries the OS package owns; they are
   * not kept in the inventory.
   */
  readonly files?: readonly string[];
};

export interface RelationshipDraft {
  /** Draft keys of the same cataloger's result. */
  readonly from: string;
  readonly to: string;
  readonly type: RelationshipType;
}

export interface CatalogResult {
  readonly packages: readonly PackageDraft[];
  readonly relationships?: readonly RelationshipDraft[];
}

export interface CatalogContext {
  /** The squashed tree: read selected files, stat any path. */
  readonly tree: FileTree;
  /** The files of the tree this cataloger selected (after squashing). */
  readonly files: readonly FileEntry[];
  readonly distro?: Distro;
  /** Upper bound for a single file read. */
  readonly maxFileBytes: number;
  /** Record a problem with one file; the scan goes on. */
  warn(message: string, path?: string): void;
}

/**
 * Content sniffing for catalogers that cannot choose by path alone (compiled
 * binaries): paths it `selects` have their first SNIFF_BYTES looked at while
 * streaming, and only files `keep` accepts are buffered whole.
 */
export interface Sniffer {
  selects(path: string): boolean;
  keep(head: Buffer, path: string): boolean;
}

export interface Cataloger {
  /** Stable id shown in reports: 'os/dpkg', 'lang/npm-lock'. */
  readonly name: string;
  /** Bump when output changes: cached inventories are rebuilt. */
  readonly version: number;
  readonly ecosystems: readonly Ecosystem[];
  /**
   * True for manifests and lockfiles: what a project declares, not what is
   * installed. Such a file installed by an OS package (Debian ships
   * upstream lockfiles under /usr/share/nodejs, for one) describes how that
   * package was built upstream, not what the image runs, and is not cataloged.
   */
  readonly declares?: boolean;
  /** Human description of the files read, for `bulkhead catalogers`. */
  readonly reads: readonly string[];
  /** Pure, no I/O: whether the streamer must keep this absolute path's content. */
  selects(path: string): boolean;
  /**
   * Optional: what every path `selects` accepts has in common, so that while an image streams the
   * cataloger is asked only about paths that can pass (see selects-any.ts): the last path component
   * is one of `names`, or its extension (from its last '.', compared in lower case) is one of
   * `extensions`. `{}` says selects() accepts nothing.
   */
  readonly selectsOnly?: { readonly names?: readonly string[]; readonly extensions?: readonly string[] };
  /** Optional: paths decided by their first bytes instead (see Sniffer). */
  readonly sniff?: Sniffer;
  /**
   * Optional: shrinks a selected file's content as soon as it has been read
   * from its layer, keeping only what catalog() will look at (a jar's
   * pom.properties and manifest, not its classes), so a few hundred archives
   * are not all held in memory until cataloging. catalog() must give the same
   * result on the reduced content as on the original; return the content
   * unchanged whenever that is in doubt (a damaged archive, a limit reached).
   * Applied only when no other cataloger or caller wants the same file.
   */
  reduce?(path: string, content: Buffer): Buffer;
  catalog(ctx: CatalogContext): Promise<CatalogResult>;
}

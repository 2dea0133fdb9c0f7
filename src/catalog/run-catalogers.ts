/**
 * Runs the selected catalogers over a squashed tree and turns their drafts
 * into an inventory's packages: stable ids, foundBy, relationships by id, and
 * the warnings they raised. A failing cataloger is a warning, not a crash.
 */
import crypto from 'node:crypto';
import type { Distro } from '../domain/distro.js';
import { OS_ECOSYSTEMS } from '../domain/ecosystem.js';
import type { ScanWarning, CatalogerRun } from '../domain/inventory.js';
import type { Package, Relationship } from '../domain/package.js';
import type { FileEntry, FileTree } from '../image/file-tree.js';
import { SNIFF_BYTES } from '../image/layer-reader.js';
import type { Cataloger } from './cataloger.js';

export interface CatalogOutcome {
  readonly packages: Package[];
  readonly relationships: Relationship[];
  readonly runs: CatalogerRun[];
  readonly warnings: ScanWarning[];
}

export interface RunOptions {
  /** diffIds of the image's layers, base first: lets owned files name the layer that introduced a package. */
  readonly layers?: readonly string[];
  /** Entries to offer the catalogers' selects(); default every entry of the tree. */
  readonly candidates?: Iterable<FileEntry>;
  readonly distro?: Distro;
  readonly maxFileBytes: number;
  /** Called before each cataloger runs (progress display). */
  readonly onCataloger?: (name: string, index: number, total: number) => void;
}

/** Entries each cataloger selected, resolved through links to regular files. */
export function selectFiles(
  tree: FileTree,
  catalogers: readonly Cataloger[],
  candidates: Iterable<FileEntry> = tree.entries(),
): Map<Cataloger, FileEntry[]> {
  const selected = new Map<Cataloger, FileEntry[]>(catalogers.map((c) => [c, []]));
  for (const entry of candidates) {
    if (entry.type === 'dir' || entry.type === 'other') continue;
    // A link's target is looked up only once some cataloger wants the link: most links (an image's
    // thousands of /etc/alternatives and library links) are wanted by none.
    let target: FileEntry | undefined = entry.type === 'file' ? entry : undefined;
    let realPath: string | undefined = entry.type === 'file' ? entry.path : undefined;
    let looked = entry.type === 'file';
    for (const cataloger of catalogers) {
      if (!wants(cataloger, entry.path, tree)) continue;
      if (!looked) {
        target = tree.get(entry.path);
        realPath = tree.resolve(entry.path);
        looked = true;
      }
      if (target?.type !== 'file') break;
      // A link to a file the cataloger reads anyway would report the same package twice.
      if (realPath !== entry.path && realPath !== undefined && wants(cataloger, realPath, tree)) continue;
      selected.get(cataloger)?.push(target === entry ? entry : { ...target, path: entry.path });
    }
  }
  for (const files of selected.values()) files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return selected;
}

export async function runCatalogers(
  tree: FileTree,
  catalogers: readonly Cataloger[],
  options: RunOptions,
): Promise<CatalogOutcome> {
  const packages: Package[] = [];
  const relationships: Relationship[] = [];
  const runs: CatalogerRun[] = [];
  const warnings: ScanWarning[] = [];
  const usedIds = new Set<string>();
  const owned = new Map<string, string>();
  const layerIndex = new Map((options.layers ?? []).map((diffId, i) => [diffId, i]));
  const selected = selectFiles(tree, catalogers, options.candidates);

  let index = 0;
  for (const cataloger of catalogers) {
    options.onCataloger?.(cataloger.name, index++, catalogers.length);
    const offered = selected.get(cataloger) ?? [];
    // OS catalogers run first, so `owned` already names every file a package database claims.
    const kept = cataloger.declares ? offered.filter((f) => !owned.has(tree.resolve(f.path) ?? f.path)) : offered;
    const files = await keepSniffed(tree, cataloger, kept, options.maxFileBytes);
    if (files.length === 0) {
      runs.push({ name: cataloger.name, version: cataloger.version, packages: 0, files: 0 });
      continue;
    }
    const warn = (message: string, path?: string): void => {
      const layer = path ? tree.lstat(path)?.layer : undefined;
      warnings.push({ message, source: cataloger.name, ...(path ? { path } : {}), ...(layer ? { layer } : {}) });
    };
    let result;
    try {
      result = await cataloger.catalog({ tree, files, distro: options.distro, maxFileBytes: options.maxFileBytes, warn });
    } catch (error) {
      warn(`cataloger failed: ${error instanceof Error ? error.message : String(error)}`);
      runs.push({ name: cataloger.name, version: cataloger.version, packages: 0, files: files.length });
      continue;
    }
    const idByKey = new Map<string, string>();
    for (const draft of result.packages) {
      const { key, files, ...rest } = draft;
      const id = uniqueId(`${rest.purl}|${rest.locations[0]?.path ?? ''}`, usedIds);
      if (key !== undefined) idByKey.set(key, id);
      const introducedBy = files ? claimFiles(tree, files, layerIndex, id, owned) : undefined;
      const locations = introducedBy && rest.locations[0] ? [{ ...rest.locations[0], layer: introducedBy }, ...rest.locations.slice(1)] : rest.locations;
      packages.push({ ...rest, locations, id, foundBy: cataloger.name });
    }
    for (const rel of result.relationships ?? []) {
      const from = idByKey.get(rel.from);
      const to = idByKey.get(rel.to);
      if (from && to && from !== to) relationships.push({ from, to, type: rel.type });
    }
    runs.push({ name: cataloger.name, version: cataloger.version, packages: result.packages.length, files: files.length });
  }
  return claimOwned(tree, packages, relationships, runs, warnings, owned);
}

/**
 * Packages found inside what an OS package installed: a runtime binary the
 * package database knows is dropped (the OS package already reports it); a
 * language package (Debian's python3-yaml dist-info) stays, with an 'owns'
 * edge from the OS package, so matching can skip it and it is not matched
 * against two advisory sources.
 */
function claimOwned(
  tree: FileTree,
  packages: Package[],
  relationships: Relationship[],
  runs: CatalogerRun[],
  warnings: ScanWarning[],
  owned: ReadonlyMap<string, string>,
): CatalogOutcome {
  if (owned.size === 0) return { packages, relationships, runs, warnings };
  const dropped = new Set<string>();
  for (const pkg of packages) {
    if (OS_ECOSYSTEMS.has(pkg.ecosystem)) continue;
    let owner: string | undefined;
    for (const l of pkg.locations) {
      owner = owned.get(tree.resolve(l.path) ?? l.path);
      if (owner !== undefined) break;
    }
    if (owner === undefined) continue;
    if (pkg.ecosystem === 'binary') dropped.add(pkg.id);
    else relationships.push({ from: owner, to: pkg.id, type: 'owns' });
  }
  if (dropped.size === 0) return { packages, relationships, runs, warnings };
  const droppedBy = new Map<string, number>();
  for (const p of packages) if (dropped.has(p.id)) droppedBy.set(p.foundBy, (droppedBy.get(p.foundBy) ?? 0) + 1);
  return {
    packages: packages.filter((p) => !dropped.has(p.id)),
    relationships: relationships.filter((r) => !dropped.has(r.from) && !dropped.has(r.to)),
    runs: runs.map((r) => ({ ...r, packages: r.packages - (droppedBy.get(r.name) ?? 0) })),
    warnings,
  };
}

/**
 * Records the package `id` as the owner of each of its files (by canonical
 * path, first package wins) and returns the earliest layer holding one of
 * them: an install or upgrade rewrites all of them, while a later layer may
 * touch only a few (a config edit), so the minimum is the layer that brought
 * this version in. One lstat per file serves both: an entry that is not a
 * link is its own canonical path (a dpkg package lists tens of thousands).
 */
function claimFiles(
  tree: FileTree,
  files: readonly string[],
  layerIndex: ReadonlyMap<string, number>,
  id: string,
  owned: Map<string, string>,
): string | undefined {
  let best: string | undefined;
  let bestIndex = Infinity;
  for (const file of files) {
    const entry = tree.lstat(file);
    const canonical = entry === undefined ? file : entry.type === 'symlink' || entry.type === 'hardlink' ? (tree.resolve(file) ?? file) : entry.path;
    if (!owned.has(canonical)) owned.set(canonical, id);
    if (!entry?.layer || entry.type === 'dir') continue;
    const index = layerIndex.get(entry.layer) ?? Infinity;
    if (best === undefined || index < bestIndex) {
      best = entry.layer;
      bestIndex = index;
    }
  }
  return best;
}

function wants(cataloger: Cataloger, path: string, tree: FileTree): boolean {
  return cataloger.selects(path) || (cataloger.sniff?.selects(path) === true && tree.readable(path));
}

/** Drops the files that were kept for another cataloger's sniffer but that this one's would not keep. */
export async function keepSniffed(tree: FileTree, cataloger: Cataloger, files: FileEntry[], maxBytes: number): Promise<FileEntry[]> {
  const sniff = cataloger.sniff;
  if (!sniff) return files;
  const kept: FileEntry[] = [];
  for (const file of files) {
    if (cataloger.selects(file.path)) {
      kept.push(file);
      continue;
    }
    const content = await tree.read(file.path, maxBytes).catch(() => undefined);
    if (content && sniff.keep(content.subarray(0, SNIFF_BYTES), file.path)) kept.push(file);
  }
  return kept;
}

/** Short, stable id from the package's identity; collisions get a counter. */
function uniqueId(seed: string, used: Set<string>): string {
  const base = `pkg-${sha256Hex(seed).slice(0, 16)}`;
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

/** The one-shot crypto.hash (Node 20.12+) is a few times cheaper than a Hash object per package; same digest. */
const oneShotHash = (crypto as { hash?: typeof crypto.hash }).hash;
function sha256Hex(text: string): string {
  return oneShotHash ? oneShotHash('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

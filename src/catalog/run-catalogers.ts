/**
 * Runs the selected catalogers over a squashed tree and turns their drafts
 * into an inventory's packages: stable ids, foundBy, relationships by id, and
 * the warnings they raised. A failing cataloger is a warning, not a crash.
 */
import { createHash } from 'node:crypto';
import type { Distro } from '../domain/distro.js';
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
    const target = entry.type === 'file' ? entry : tree.get(entry.path);
    if (target?.type !== 'file') continue;
    for (const cataloger of catalogers) {
      if (!wants(cataloger, entry.path, tree)) continue;
      // A link to a file the cataloger reads anyway would report the same package twice.
      const realPath = entry.type === 'file' ? entry.path : tree.resolve(entry.path);
      if (realPath !== entry.path && realPath !== undefined && wants(cataloger, realPath, tree)) continue;
      selected.get(cataloger)?.push({ ...target, path: entry.path });
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
  const selected = selectFiles(tree, catalogers, options.candidates);

  let index = 0;
  for (const cataloger of catalogers) {
    options.onCataloger?.(cataloger.name, index++, catalogers.length);
    const files = await keepSniffed(tree, cataloger, selected.get(cataloger) ?? [], options.maxFileBytes);
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
      const { key, ...rest } = draft;
      const id = uniqueId(`${rest.purl}|${rest.locations[0]?.path ?? ''}`, usedIds);
      if (key !== undefined) idByKey.set(key, id);
      packages.push({ ...rest, id, foundBy: cataloger.name });
    }
    for (const rel of result.relationships ?? []) {
      const from = idByKey.get(rel.from);
      const to = idByKey.get(rel.to);
      if (from && to && from !== to) relationships.push({ from, to, type: rel.type });
    }
    runs.push({ name: cataloger.name, version: cataloger.version, packages: result.packages.length, files: files.length });
  }
  return { packages, relationships, runs, warnings };
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
  const base = `pkg-${createHash('sha256').update(seed).digest('hex').slice(0, 16)}`;
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

import type { CatalogContext, CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import type { FileEntry } from '../../../image/file-tree.js';
import { mergeDuplicates } from './merge-duplicates.js';
import { readSelectedText } from './read-selected-text.js';

/** Parses one selected file; throws on a malformed file. Keys are local to the file. */
export type FileParser = (text: string, file: FileEntry, ctx: CatalogContext) => CatalogResult | Promise<CatalogResult>;

export interface EachFileOptions {
  /** Cataloger name, used to prefix warnings. */
  readonly name: string;
  /** Largest file this format is read up to (further bounded by ctx.maxFileBytes). */
  readonly maxBytes: number;
  /** Which selected files to parse (the rest are context, e.g. RECORD beside METADATA). */
  readonly accept?: (file: FileEntry, ctx: CatalogContext) => boolean;
  readonly parse: FileParser;
}

/**
 * Runs a parser over every selected regular file. One unreadable or malformed
 * file becomes a warning and the rest go on; draft keys are namespaced by the
 * file path so relationships from different files never collide.
 */
export async function catalogEachFile(ctx: CatalogContext, options: EachFileOptions): Promise<CatalogResult> {
  const packages: PackageDraft[] = [];
  const relationships: RelationshipDraft[] = [];
  for (const file of ctx.files) {
    if (file.type === 'dir' || file.type === 'other') continue;
    if (options.accept && !options.accept(file, ctx)) continue;
    let result: CatalogResult;
    try {
      const text = await readSelectedText(ctx, file, options.maxBytes);
      result = mergeDuplicates(await options.parse(text, file, ctx));
    } catch (error) {
      ctx.warn(`${options.name}: ${(error as Error).message}`, file.path);
      continue;
    }
    const ns = (key: string): string => `${file.path}#${key}`;
    const keys = new Set<string>();
    for (const pkg of result.packages) {
      if (pkg.key !== undefined) keys.add(pkg.key);
      packages.push(pkg.key === undefined ? pkg : { ...pkg, key: ns(pkg.key) });
    }
    // An edge to an entry that produced no package (no version, skipped link) is dropped.
    for (const rel of result.relationships ?? []) {
      if (keys.has(rel.from) && keys.has(rel.to)) relationships.push({ ...rel, from: ns(rel.from), to: ns(rel.to) });
    }
  }
  return { packages, relationships };
}

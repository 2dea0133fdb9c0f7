/**
 * Runs one cataloger over a FileTree the way the catalog runner does: the
 * selected files are those whose path `selects` keeps, and warnings are
 * collected instead of failing the scan.
 */
import type { CatalogResult, Cataloger } from '../../cataloger.js';
import type { FileTree } from '../../../image/file-tree.js';

export interface CatalogerRunOutput extends CatalogResult {
  readonly warnings: readonly { readonly message: string; readonly path?: string }[];
}

export async function runCataloger(
  cataloger: Cataloger,
  tree: FileTree,
  maxFileBytes = 64 * 1024 * 1024,
): Promise<CatalogerRunOutput> {
  const files = [...tree.entries()]
    .filter((e) => e.type !== 'dir' && cataloger.selects(e.path))
    .sort((a, b) => a.path.localeCompare(b.path));
  const warnings: { message: string; path?: string }[] = [];
  const result = await cataloger.catalog({
    tree,
    files,
    maxFileBytes,
    warn: (message, path) => warnings.push(path === undefined ? { message } : { message, path }),
  });
  return { ...result, warnings };
}

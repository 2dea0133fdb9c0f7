/**
 * Runs one cataloger over a FileTree the way the catalog runner does (its
 * own file selection and sniffing), returning the drafts and the warnings.
 */
import type { CatalogResult, Cataloger } from '../../cataloger.js';
import type { FileTree } from '../../../image/file-tree.js';
import { keepSniffed, selectFiles } from '../../run-catalogers.js';

export interface CatalogerRunOutput extends CatalogResult {
  readonly warnings: readonly { readonly message: string; readonly path?: string }[];
}

export async function runCataloger(
  cataloger: Cataloger,
  tree: FileTree,
  maxFileBytes = 64 * 1024 * 1024,
): Promise<CatalogerRunOutput> {
  const selected = selectFiles(tree, [cataloger]).get(cataloger) ?? [];
  const files = await keepSniffed(tree, cataloger, selected, maxFileBytes);
  const warnings: { message: string; path?: string }[] = [];
  const result = await cataloger.catalog({
    tree,
    files,
    maxFileBytes,
    warn: (message, path) => warnings.push(path === undefined ? { message } : { message, path }),
  });
  return { ...result, warnings };
}

import type { CatalogContext } from '../../cataloger.js';
import { LimitExceededError } from '../../../domain/errors.js';
import type { FileEntry } from '../../../image/file-tree.js';

/** Reads a selected file as UTF-8, bounded by the format's cap and the run's cap. */
export async function readSelectedText(ctx: CatalogContext, file: FileEntry, maxBytes: number): Promise<string> {
  const limit = Math.min(maxBytes, ctx.maxFileBytes);
  const size = ctx.tree.get(file.path)?.size ?? file.size;
  if (size > limit) throw new LimitExceededError(`skipped, ${size} bytes is more than the ${limit}-byte limit`);
  return (await ctx.tree.read(file.path, limit)).toString('utf8');
}

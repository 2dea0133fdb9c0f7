/**
 * The shared first step of the binary catalogers: read one selected file
 * within the size bound, drop it silently when it is not ELF (scripts and data
 * share bin directories with programs), and parse the headers.
 */
import { LimitExceededError } from '../../domain/errors.js';
import type { FileEntry } from '../../image/file-tree.js';
import type { CatalogContext } from '../cataloger.js';
import { isElf, parseElf } from './elf-file.js';
import type { ElfFile } from './elf-file.js';

/** Binaries above this are not opened, whatever the run allows: no real Go or Rust program comes close. */
export const MAX_BINARY_BYTES = 256 * 1024 * 1024;

export interface CandidateElf {
  readonly data: Buffer;
  readonly elf: ElfFile;
}

/** Undefined for files that are not regular or not ELF; throws BadInputError for ELF files that cannot be read. */
export async function readCandidateElf(ctx: CatalogContext, file: FileEntry): Promise<CandidateElf | undefined> {
  if (file.type !== 'file' && file.type !== 'hardlink') return undefined;
  const limit = Math.min(MAX_BINARY_BYTES, ctx.maxFileBytes);
  const size = ctx.tree.get(file.path)?.size ?? file.size;
  if (size < 4) return undefined;
  if (size > limit) throw new LimitExceededError(`skipped, ${size} bytes is more than the ${limit}-byte limit`);
  const data = await ctx.tree.read(file.path, limit);
  if (!isElf(data)) return undefined;
  return { data, elf: parseElf(data) };
}

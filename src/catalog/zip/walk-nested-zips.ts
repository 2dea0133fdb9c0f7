/**
 * Visits an archive and, recursively, the archives stored inside it (a war's
 * WEB-INF/lib jars, a Spring Boot jar's BOOT-INF/lib). Depth is bounded, and
 * one decompression budget covers the whole tree, so a zip quine or a nest of
 * bombs ends in a warning rather than unbounded work.
 */
import { BadInputError } from '../../domain/errors.js';
import { createZipBudget, DEFAULT_ZIP_LIMITS, openZip } from './zip-archive.js';
import type { ZipArchive, ZipBudget, ZipEntry, ZipLimits } from './zip-archive.js';

export interface NestedZipVisit {
  readonly archive: ZipArchive;
  /** Entry names leading from the outer archive to this one; empty for the outer archive. */
  readonly chain: readonly string[];
  readonly depth: number;
}

export interface WalkOptions {
  /** Whether an entry is itself an archive to descend into. */
  readonly isArchive: (entry: ZipEntry) => boolean;
  /** Deepest nesting opened; the outer archive is depth 0. */
  readonly maxDepth: number;
  readonly limits?: ZipLimits;
  readonly budget?: ZipBudget;
  /** A nested archive that could not be read; the walk goes on with its siblings. */
  readonly onError: (chain: readonly string[], error: BadInputError) => void;
}

/**
 * Calls `visit` for the outer archive and each nested archive, parents before
 * children. Errors in the outer archive propagate; errors in nested ones go to onError.
 */
export function walkNestedZips(data: Buffer, options: WalkOptions, visit: (v: NestedZipVisit) => void): void {
  const limits = options.limits ?? DEFAULT_ZIP_LIMITS;
  const budget = options.budget ?? createZipBudget();
  const walk = (archive: ZipArchive, chain: readonly string[]): void => {
    visit({ archive, chain, depth: chain.length });
    for (const entry of archive.entries) {
      if (entry.isDirectory || !options.isArchive(entry)) continue;
      const child = [...chain, entry.name];
      if (child.length > options.maxDepth) {
        options.onError(child, new BadInputError(`archive nesting deeper than ${options.maxDepth} levels is not opened`));
        continue;
      }
      try {
        walk(openZip(archive.read(entry), limits, budget), child);
      } catch (error) {
        if (!(error instanceof BadInputError)) throw error;
        options.onError(child, error);
      }
    }
  };
  walk(openZip(data, limits, budget), []);
}

/**
 * The patterns a collection admits, as stored (JSON text in collections.patterns)
 * and as accepted over the API: globs compiled by policy/glob, so a pattern
 * that does not compile is refused when the collection is written, not when
 * a request is filtered.
 */
import { z } from 'zod';
import { compileGlob, GlobSyntaxError } from '../../policy/glob.js';
import type { CollectionPatterns } from '../principal.js';

const globList = z.array(z.string().min(1).max(512)).max(200)
  .superRefine((patterns, check) => {
    patterns.forEach((pattern, index) => {
      try {
        compileGlob(pattern);
      } catch (error) {
        if (!(error instanceof GlobSyntaxError)) throw error;
        check.addIssue({ code: 'custom', path: [index], message: error.message });
      }
    });
  });

export const collectionPatternsSchema = z.strictObject({
  images: globList.optional(),
  registries: globList.optional(),
  namespaces: globList.optional(),
  hosts: globList.optional(),
});

const KINDS = ['images', 'registries', 'namespaces', 'hosts'] as const;

/** Reads stored patterns; a row that no longer parses admits nothing rather than everything. */
export function parseCollectionPatterns(text: string): CollectionPatterns {
  try {
    const parsed = collectionPatternsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** The union of several collections' patterns. */
export function unionPatterns(all: readonly CollectionPatterns[]): CollectionPatterns {
  const out: Record<string, string[]> = {};
  for (const patterns of all) {
    for (const kind of KINDS) {
      const list = patterns[kind];
      if (!list?.length) continue;
      const into = (out[kind] ??= []);
      for (const p of list) if (!into.includes(p)) into.push(p);
    }
  }
  return out as CollectionPatterns;
}

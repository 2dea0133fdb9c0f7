/** The manifest at the root of a Bulkhead advisory bundle: its parts, each with a sha256. */
import { z } from 'zod';

export const BUNDLE_FORMAT = 'bulkhead-advisory-bundle';

export const bundleManifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(1),
  snapshot: z.string().max(128),
  createdAt: z.string().max(64),
  sources: z
    .array(
      z.object({
        name: z.string().min(1).max(512),
        origin: z.string().max(4096),
        digest: z.string().max(128),
        fetchedAt: z.string().max(64),
        etag: z.string().max(1024).optional(),
        lastModified: z.string().max(128).optional(),
        advisories: z.number().int().min(0),
        enrichments: z.number().int().min(0),
        skipped: z.number().int().min(0),
      }),
    )
    .max(10_000),
  parts: z.array(z.object({ name: z.enum(['advisories.jsonl', 'enrichment.jsonl']), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().min(0) })).max(2),
});

export type BundleManifest = z.infer<typeof bundleManifest>;

/**
 * zod schemas for Bulkhead's own stored records, checked again when a
 * bundle is imported: a bundle crosses an air gap and is input like any feed.
 */
import { z } from 'zod';
import { ECOSYSTEMS } from '../../domain/ecosystem.js';
import { SEVERITY_LEVELS } from '../../domain/severity.js';
import { advisoryId, packageName, RECORD_BOUNDS, versionString } from '../record-bounds.js';

const rating = z.object({
  source: z.string().max(256),
  type: z.enum(['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'rating']),
  vector: z.string().max(512).optional(),
  score: z.number().min(0).max(10).optional(),
  level: z.enum(SEVERITY_LEVELS),
});

const event = z.object({ introduced: versionString.optional(), fixed: versionString.optional(), last_affected: versionString.optional(), limit: versionString.optional() });

export const advisorySchema = z.object({
  id: advisoryId,
  aliases: z.array(advisoryId).max(RECORD_BOUNDS.maxAliases),
  source: z.string().min(1).max(128),
  published: z.string().max(64).optional(),
  modified: z.string().max(64).optional(),
  withdrawn: z.string().max(64).optional(),
  summary: z.string().max(RECORD_BOUNDS.maxSummaryChars + 1).optional(),
  details: z.string().max(RECORD_BOUNDS.maxDetailsChars + 1).optional(),
  severity: z.array(rating).max(50),
  cwes: z.array(z.string().max(16)).max(50),
  affected: z
    .array(
      z.object({
        ecosystem: z.enum(ECOSYSTEMS),
        distro: z.string().min(1).max(64).optional(),
        name: packageName,
        ranges: z.array(z.object({ type: z.enum(['ECOSYSTEM', 'SEMVER', 'GIT']), events: z.array(event).max(RECORD_BOUNDS.maxEventsPerRange) })).max(500),
        versions: z.array(versionString).max(RECORD_BOUNDS.maxVersionsPerAffected),
        status: z.enum(['affected', 'not-affected', 'unfixed', 'will-not-fix', 'postponed', 'undetermined']),
        severity: rating.optional(),
        fixAvailableSince: z.string().max(64).optional(),
      }),
    )
    .min(1)
    .max(RECORD_BOUNDS.maxAffected),
  references: z.array(z.object({ type: z.string().max(32), url: z.string().max(RECORD_BOUNDS.maxUrlChars) })).max(RECORD_BOUNDS.maxReferences),
});

export const enrichmentSchemas = {
  kev: z.object({ dateAdded: z.string().max(32), dueDate: z.string().max(32).optional(), knownRansomware: z.boolean().optional(), name: z.string().max(1024).optional() }),
  epss: z.object({ score: z.number().min(0).max(1), percentile: z.number().min(0).max(1), date: z.string().max(32).optional() }),
  nvd: z.object({
    severity: z.array(rating).max(50),
    cwes: z.array(z.string().max(16)).max(50),
    published: z.string().max(64).optional(),
    summary: z.string().max(RECORD_BOUNDS.maxSummaryChars + 1).optional(),
  }),
} as const;

/** The parts of the OSV schema (1.x) Bulkhead reads, validated with zod; unknown keys pass through unread. */
import { z } from 'zod';
import { advisoryId, packageName } from '../../record-bounds.js';

export const osvRange = z.object({
  type: z.string().max(32),
  events: z.array(z.unknown()).max(2000),
});

export const osvAffected = z.object({
  package: z.object({ ecosystem: z.string().min(1).max(128), name: packageName, purl: z.string().max(2048).optional() }).optional(),
  ranges: z.array(osvRange).max(500).optional(),
  versions: z.array(z.unknown()).max(20_000).optional(),
  severity: z.array(z.unknown()).max(20).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
  ecosystem_specific: z.record(z.string(), z.unknown()).optional(),
});

export const osvSeverity = z.object({ type: z.string().max(32), score: z.string().max(512) });

export const osvRecord = z.object({
  schema_version: z.string().max(32).optional(),
  id: advisoryId,
  modified: z.string().max(64),
  published: z.string().max(64).optional(),
  withdrawn: z.string().max(64).optional(),
  aliases: z.array(z.unknown()).max(1000).nullish(),
  related: z.array(z.unknown()).nullish(),
  summary: z.string().nullish(),
  details: z.string().nullish(),
  severity: z.array(z.unknown()).max(20).nullish(),
  affected: z.array(z.unknown()).max(5000).nullish(),
  references: z.array(z.unknown()).nullish(),
  database_specific: z.record(z.string(), z.unknown()).nullish(),
});

export type OsvRecord = z.infer<typeof osvRecord>;
export type OsvAffectedRecord = z.infer<typeof osvAffected>;

/**
 * The parts of the OSV schema (1.x) Bulkhead reads, validated with zod;
 * unknown keys pass through unread. The `is…Shape` checks below accept exactly
 * what these schemas accept for ordinary JSON and are what an import runs per
 * record (zod's per-record cost was most of an archive's import time);
 * whatever they do not accept is handed to zod, whose verdict and message
 * stand, so the rules live in one place.
 */
import { z } from 'zod';
import { isJsonObject } from '../../../domain/json-object.js';
import { advisoryId, isAdvisoryId, isPackageName, packageName } from '../../record-bounds.js';

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

const str = (v: unknown, max: number): boolean => typeof v === 'string' && v.length <= max;
const optStr = (v: unknown, max: number): boolean => v === undefined || str(v, max);
const optArray = (v: unknown, max: number, nullable: boolean): boolean =>
  v === undefined || (nullable && v === null) || (Array.isArray(v) && v.length <= max);

const optRecord = (v: unknown, nullable: boolean): boolean => v === undefined || (nullable && v === null) || isJsonObject(v);

/** True when `osvRecord.safeParse(v)` would succeed; false means "ask zod" (it may still succeed). */
export function isOsvRecordShape(v: unknown): v is OsvRecord {
  if (!isJsonObject(v)) return false;
  return (
    optStr(v['schema_version'], 32) &&
    isAdvisoryId(v['id']) &&
    str(v['modified'], 64) &&
    optStr(v['published'], 64) &&
    optStr(v['withdrawn'], 64) &&
    optArray(v['aliases'], 1000, true) &&
    optArray(v['related'], Infinity, true) &&
    (v['summary'] == null || typeof v['summary'] === 'string') &&
    (v['details'] == null || typeof v['details'] === 'string') &&
    optArray(v['severity'], 20, true) &&
    optArray(v['affected'], 5000, true) &&
    optArray(v['references'], Infinity, true) &&
    optRecord(v['database_specific'], true)
  );
}

/** True when `osvAffected.safeParse(v)` would succeed; false means "ask zod". */
export function isOsvAffectedShape(v: unknown): v is OsvAffectedRecord {
  if (!isJsonObject(v)) return false;
  const pkg = v['package'];
  if (pkg !== undefined) {
    if (!isJsonObject(pkg)) return false;
    const eco = pkg['ecosystem'];
    if (typeof eco !== 'string' || eco.length < 1 || eco.length > 128 || !isPackageName(pkg['name']) || !optStr(pkg['purl'], 2048)) return false;
  }
  const ranges = v['ranges'];
  if (ranges !== undefined) {
    if (!Array.isArray(ranges) || ranges.length > 500) return false;
    for (const r of ranges) {
      if (!isJsonObject(r) || !str(r['type'], 32) || !Array.isArray(r['events']) || r['events'].length > 2000) return false;
    }
  }
  return (
    optArray(v['versions'], 20_000, false) &&
    optArray(v['severity'], 20, false) &&
    optRecord(v['database_specific'], false) &&
    optRecord(v['ecosystem_specific'], false)
  );
}

/** True when `osvSeverity.safeParse(v)` would succeed. */
export function isOsvSeverityShape(v: unknown): v is z.infer<typeof osvSeverity> {
  return isJsonObject(v) && str(v['type'], 32) && str(v['score'], 512);
}

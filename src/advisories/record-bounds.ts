/**
 * Size bounds on advisory fields. Feeds are untrusted: long prose is
 * truncated, but identifiers and versions over their bound make the record
 * (or the affected entry) unusable, so callers skip it.
 */
import { z } from 'zod';

export const RECORD_BOUNDS = {
  /** A single advisory document (one OSV JSON file, one NVD cve object). */
  maxRecordBytes: 4 * 1024 * 1024,
  maxSummaryChars: 1024,
  maxDetailsChars: 32 * 1024,
  maxReferences: 200,
  maxAliases: 200,
  maxAffected: 5000,
  maxVersionsPerAffected: 20_000,
  maxEventsPerRange: 2000,
  maxUrlChars: 2048,
} as const;

const ADVISORY_ID = /^[A-Za-z0-9][A-Za-z0-9._:+-]*$/;
const NAME_CHARS = /^[^\s\p{Cc}]+$/u;

/** Advisory, alias and CVE ids: letters, digits and a little punctuation, bounded. */
export const advisoryId = z.string().min(3).max(128).regex(ADVISORY_ID);

/** The same rule as `advisoryId` for hot loops (every alias of every record). */
export function isAdvisoryId(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 3 && v.length <= 128 && ADVISORY_ID.test(v);
}

/** Package names and versions: printable, bounded. */
export const packageName = z.string().min(1).max(512).regex(NAME_CHARS);

/** The same rule as `packageName`, without zod's per-call cost. */
export function isPackageName(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= 512 && NAME_CHARS.test(v);
}
export const versionString = z.string().min(1).max(256).regex(/^[^\s\p{Cc}]+$/u);

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const PRINTABLE = /^[^\s\x00-\x1f\x7f-\x9f]+$/;

/** The same rule as `versionString`, without zod's per-call cost: feeds carry millions of versions. */
export function isVersionString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 256 && PRINTABLE.test(v);
}

export function truncate(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export const CVE_ID = /^CVE-\d{4}-\d{4,}$/;

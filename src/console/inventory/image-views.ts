/**
 * What the images API shows of stored rows: list items, the detail view and
 * the opaque cursors of the paged lists. JSON columns are parsed leniently
 * here (a damaged row shows as empty, it does not break a whole list).
 */
import type { ImageTable } from '../../store/schema.js';

export interface ImageListItem {
  readonly digest: string;
  readonly registry: string | null;
  readonly repositories: readonly string[];
  readonly environment: string | null;
  readonly verdict: string | null;
  readonly packageCount: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly evaluatedAt: string | null;
  readonly advisorySnapshot: string | null;
}

export function jsonOr<T>(text: string | null, fallback: T, valid: (v: unknown) => boolean): T {
  if (text === null) return fallback;
  try {
    const value: unknown = JSON.parse(text);
    return valid(value) ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

export const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
export const isStringRecord = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((s) => typeof s === 'string');

export function imageListItem(row: Pick<ImageTable, 'digest' | 'registry' | 'repositories' | 'environment' | 'verdict' | 'package_count' | 'first_seen' | 'last_seen' | 'evaluated_at' | 'advisory_snapshot'>): ImageListItem {
  return {
    digest: row.digest,
    registry: row.registry,
    repositories: jsonOr<string[]>(row.repositories, [], isStringList),
    environment: row.environment,
    verdict: row.verdict,
    packageCount: row.package_count,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    evaluatedAt: row.evaluated_at,
    advisorySnapshot: row.advisory_snapshot,
  };
}

/** An opaque page cursor: the sort key of the last item, base64url JSON. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The cursor's values, or undefined when it is not one of ours (the route answers 400). */
export function decodeCursor(cursor: string, arity: number): (string | number)[] | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== arity || !value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) return undefined;
    return value as (string | number)[];
  } catch {
    return undefined;
  }
}

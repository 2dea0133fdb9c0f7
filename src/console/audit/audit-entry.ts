/**
 * One audit-log entry and its hash. The hash is the lowercase hex SHA-256 of
 * the UTF-8 bytes of the RFC 8785 canonical JSON of
 *   { seq, at, actor, action, target, detail, prev_hash }
 * where `detail` is the parsed JSON object (not its text) and `prev_hash` is
 * the previous entry's hash (GENESIS_HASH for seq 1). The stored `detail`
 * text is itself canonical JSON, so a row's bytes are reproducible.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  readonly seq: number;
  /** ISO-8601 UTC. */
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly prev_hash: string;
  readonly hash: string;
}

export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return hashAuditRow({ ...entry, detail: canonicalJson(entry.detail) });
}

/**
 * The same hash from a stored row, whose detail is already canonical JSON
 * text. The canonical serialization is written out member by member, in
 * RFC 8785 order (action, actor, at, detail, prev_hash, seq, target), with
 * the detail text as stored: a detail re-spaced or re-ordered in the table
 * changes these bytes and so the hash, without parsing it. Verification of
 * a long chain spends its time here.
 */
export function hashAuditRow(row: { readonly seq: number; readonly at: string; readonly actor: string; readonly action: string; readonly target: string; readonly detail: string; readonly prev_hash: string }): string {
  const text = `{"action":${JSON.stringify(row.action)},"actor":${JSON.stringify(row.actor)},"at":${JSON.stringify(row.at)},"detail":${row.detail},`
    + `"prev_hash":${JSON.stringify(row.prev_hash)},"seq":${canonicalJson(row.seq)},"target":${JSON.stringify(row.target)}}`;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

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
  const text = canonicalJson({
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    detail: entry.detail,
    prev_hash: entry.prev_hash,
  });
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The portable console backup: gzip'd JSON lines, the same for SQLite and
 * PostgreSQL stores, so either restores into either.
 *
 *   {"format":"bulkhead-console-backup","version":1,"created_at":…,"source":{"dialect":…},
 *    "migrations":["001-initial",…],"tables":[{"name":"users","columns":["id",…]},…]}
 *   {"t":"users","v":["…",…]}          one line per row, values in the header's column order
 *   …
 *   {"end":{"rows":{"users":3,…},"sha256":"…"}}
 *
 * sha256 is over the uncompressed bytes of every line before the trailer
 * (newlines included): a truncated or altered file fails before anything is
 * committed. Values are JSON strings, numbers or null — the only column
 * types the schema uses (text, integer, bigint).
 */
import { z } from 'zod';

export const BACKUP_FORMAT = 'bulkhead-console-backup';
export const BACKUP_VERSION = 1;

const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'not a table or column name');

export const backupHeaderSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  created_at: z.string(),
  source: z.strictObject({ dialect: z.enum(['sqlite', 'postgres']), location: z.string() }),
  migrations: z.array(z.string().max(200)).max(10_000),
  tables: z.array(z.strictObject({ name: identifier, columns: z.array(identifier).min(1).max(1000) })).max(1000),
});
export type BackupHeader = z.output<typeof backupHeaderSchema>;

export const backupRowSchema = z.strictObject({
  t: identifier,
  v: z.array(z.union([z.string(), z.number(), z.null()])),
});

export const backupTrailerSchema = z.strictObject({
  end: z.strictObject({
    rows: z.record(z.string(), z.number().int().min(0)),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});

/** Longest line a restore accepts: a row carrying the largest stored document (scan uploads are bounded too). */
export const MAX_BACKUP_LINE_BYTES = 512 * 1024 * 1024;

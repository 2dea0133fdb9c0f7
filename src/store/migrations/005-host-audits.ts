/**
 * Host hardening results the defenders report (CIS Docker Benchmark audits):
 * one row per audit, with its score and the checks that drifted from pass
 * to fail since the host's previous audit.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('host_audits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('benchmark', 'text', (c) => c.notNull())
    .addColumn('score_tenths', 'integer')
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('results', 'text', (c) => c.notNull())
    .addColumn('drift', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('host_audits_host_at').on('host_audits').columns(['host_id', 'at']).execute();
}

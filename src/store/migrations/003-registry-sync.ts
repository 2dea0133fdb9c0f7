/**
 * Registry syncs and push notifications: the hash of each registry's
 * notification secret (the Authorization its webhook sends), when its next
 * scheduled sync is due (claimed atomically, so one console replica
 * enqueues it), and what its last sync found.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('registries').addColumn('notification_secret_hash', 'text').execute();
  await db.schema.alterTable('registries').addColumn('next_sync_at', 'text').execute();
  await db.schema.alterTable('registries').addColumn('last_sync', 'text').execute();
  await db.schema.createIndex('registries_next_sync').on('registries').column('next_sync_at').execute();
}

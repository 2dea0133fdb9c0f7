/**
 * Host and cluster lists count their containers by state: an index on
 * (owner, state) answers those counts from the index alone.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('containers_host_state').on('containers').columns(['host_id', 'state']).execute();
  await db.schema.createIndex('containers_cluster_state').on('containers').columns(['cluster_id', 'state']).execute();
}

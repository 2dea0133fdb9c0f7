/**
 * The console's data tables and their columns, as the database itself
 * reports them (so a table added by a later migration is backed up without
 * anyone listing it here). kysely's own migration tables are left out, and
 * on PostgreSQL only the store's schema counts (pg-boss keeps its queue in
 * a schema of its own).
 */
import { sql, type Kysely } from 'kysely';
import type { Store } from '../../store/open-store.js';

export interface StoreTable {
  readonly name: string;
  readonly columns: readonly string[];
}

export async function storeTables<DB>(store: Pick<Store, 'dialect'>, db: Kysely<DB>): Promise<StoreTable[]> {
  let schema: string | undefined;
  if (store.dialect === 'postgres') {
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(db);
    schema = rows[0]?.s;
  }
  const tables = await db.introspection.getTables({ withInternalKyselyTables: false });
  return tables
    .filter((t) => !t.isView && (schema === undefined || t.schema === schema))
    .map((t) => ({ name: t.name, columns: t.columns.map((c) => c.name) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Names of the migrations applied to the store, in order. */
export async function appliedMigrations<DB>(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * inventories.document_mac: HMAC-SHA256 (the console's secret key) of the
 * assessment document as the console validated and wrote it. A document
 * read back with a matching MAC is exactly what passed validation, so bulk
 * re-evaluation parses it without validating it again; any other document
 * (no MAC, edited, written by another tool) is validated in full.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the typed schema exists
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inventories').addColumn('document_mac', 'text').execute();
}

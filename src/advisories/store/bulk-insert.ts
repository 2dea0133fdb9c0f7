/**
 * Inserts rows into one table many at a time: an import writes tens of
 * thousands of small rows (advisories, their lookup keys and aliases), and one
 * multi-row INSERT per 64 rows costs a fraction of 64 single-row statements
 * through better-sqlite3.
 */
import type Database from 'better-sqlite3';

export interface BulkInsert {
  add(...values: unknown[]): void;
  /** Writes the rows still buffered; call before reading the table. */
  flush(): void;
}

const ROWS_PER_STATEMENT = 64;

export function bulkInsert(db: Database.Database, table: string, columns: readonly string[]): BulkInsert {
  const row = `(${columns.map(() => '?').join(', ')})`;
  const sql = (rows: number): string => `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => row).join(', ')}`;
  const many = db.prepare(sql(ROWS_PER_STATEMENT));
  const one = db.prepare(sql(1));
  let buffer: unknown[] = [];
  let rows = 0;
  return {
    add(...values) {
      for (const v of values) buffer.push(v);
      if (++rows === ROWS_PER_STATEMENT) {
        many.run(buffer);
        buffer = [];
        rows = 0;
      }
    },
    flush() {
      for (let i = 0; i < rows; i++) one.run(buffer.slice(i * columns.length, (i + 1) * columns.length));
      buffer = [];
      rows = 0;
    },
  };
}

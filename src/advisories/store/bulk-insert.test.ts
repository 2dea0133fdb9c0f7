import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { bulkInsert } from './bulk-insert.js';

describe('bulkInsert', () => {
  it('writes every row, in order, across full statements and the flushed remainder', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (n INTEGER, s TEXT)');
    const insert = bulkInsert(db, 't', ['n', 's']);
    for (let n = 0; n < 64 * 2 + 5; n++) insert.add(n, `row ${n}`);
    // Two full statements are written; the last five wait for flush().
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(128);
    insert.flush();
    const rows = db.prepare('SELECT n, s FROM t ORDER BY rowid').raw().all() as [number, string][];
    expect(rows).toHaveLength(133);
    expect(rows.every(([n, s], i) => n === i && s === `row ${i}`)).toBe(true);
    insert.flush();
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(133);
    db.close();
  });
});

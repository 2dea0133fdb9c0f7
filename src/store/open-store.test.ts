import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openFreshStore, STORE_DIALECTS } from '../../test/support/store-fixtures.js';
import { BadInputError } from '../domain/errors.js';
import { openStore, type Store } from './open-store.js';

describe.each(STORE_DIALECTS)('console store on %s', (dialect) => {
  let store: Store & { cleanup(): Promise<void> };
  beforeAll(async () => {
    store = await openFreshStore(dialect);
  });
  afterAll(async () => store.cleanup());

  it('creates every table and round-trips a row', async () => {
    const now = new Date().toISOString();
    await store.db.insertInto('state').values({ key: 'k', value: '{"a":1}', updated_at: now }).execute();
    const row = await store.db.selectFrom('state').selectAll().where('key', '=', 'k').executeTakeFirstOrThrow();
    expect(row).toEqual({ key: 'k', value: '{"a":1}', updated_at: now });
    const count = await store.db.selectFrom('audit').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(0);
    expect(store.dialect).toBe(dialect);
  });
});

describe('a store that cannot be used says why in one line', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  function tempFile(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-open-store-'));
    dirs.push(dir);
    return path.join(dir, 'console.db');
  }
  async function refusedPort(): Promise<number> {
    return new Promise((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
  }
  async function failure(database: string, migrate = true): Promise<BadInputError> {
    const error = await openStore({ database, migrate }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).not.toContain('\n');
    return error as BadInputError;
  }

  it('PostgreSQL refusing connections, with or without migrations, password hidden', async () => {
    const port = await refusedPort();
    for (const migrate of [true, false]) {
      const error = await failure(`postgres://bulkhead:s3cret@127.0.0.1:${port}/console`, migrate);
      expect(error.message).toBe(`cannot connect to the console store postgres://bulkhead:***@127.0.0.1:${port}/console: connection refused by 127.0.0.1:${port} (is PostgreSQL running and accepting TCP connections there?)`);
    }
    // localhost has two addresses; Node reports both refusals as one AggregateError without a message.
    const local = await failure(`postgresql://bulkhead@localhost:${port}/console`);
    expect(local.message).toContain(`connection refused by localhost:${port}`);
  });

  it('PostgreSQL rejecting the password, and a database that does not exist', async () => {
    const server = new URL(inject('postgresUrl'));
    server.password = 'wrong-password';
    expect((await failure(server.toString())).message).toMatch(/^cannot connect to the console store postgres:\/\/bulkhead:\*\*\*@127\.0\.0\.1:\d+\/postgres: password authentication failed for user "bulkhead"$/);
    const missing = new URL(inject('postgresUrl'));
    missing.pathname = '/no_such_database';
    expect((await failure(missing.toString())).message).toMatch(/: database "no_such_database" does not exist$/);
  });

  it('a SQLite file that is not a database', async () => {
    const file = tempFile();
    writeFileSync(file, randomBytes(16384));
    expect((await failure(file)).message).toBe(`cannot open the console store ${file}: the file is not a SQLite database; restore a backup with "bulkhead console restore"`);
  });

  it('a SQLite database with damaged pages that still opens (quick_check reports, it does not throw)', async () => {
    const file = tempFile();
    const store = await openStore({ database: file });
    const rows = Array.from({ length: 3000 }, (_, i) => ({ key: `key-${i}`, value: `"${'v'.repeat(100)}"`, updated_at: 'now' }));
    for (let i = 0; i < rows.length; i += 500) await store.db.insertInto('state').values(rows.slice(i, i + 500)).execute();
    await store.close();
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    // The last page's count of fragmented free bytes (b-tree page header offset 7, SQLite file
    // format §1.6) made wrong: the file opens and reads, only quick_check notices.
    bytes[bytes.length - pageSize + 7] = 0xff;
    writeFileSync(file, bytes);
    const damaged = await failure(file);
    // What quick_check itself says about the page (a thrown SQLITE_CORRUPT would not name it).
    expect(damaged.message).toMatch(/page \d+/);
    expect(damaged.message).toMatch(new RegExp(`^cannot open the console store ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the file is damaged \\(.*\\); restore a backup with "bulkhead console restore"$`));
  });
});

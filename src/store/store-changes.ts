/**
 * A change counter for the store, so readers can keep answers until the
 * data under them changes (the console's response cache). Every statement
 * but a plain SELECT that runs through this process's kysely instance marks
 * its connection; when that connection goes back to the driver — after the
 * statement, or after the COMMIT of its transaction — the counter moves.
 * Counting after the commit (not before the statement) is what makes it
 * safe: a reader that noted the counter before the commit cannot have seen
 * the commit's rows under a later number.
 *
 * Commits by other connections: on SQLite `PRAGMA data_version` changes
 * whenever another connection (another process, or another handle in this
 * one) has committed, and costs microseconds, so version() reads it every
 * time. PostgreSQL has no such cheap signal; there `seesOtherWriters` is
 * false and callers bound how long they trust a version (docs/console.md).
 */
import { SelectQueryNode, type DatabaseConnection, type Dialect, type Driver, type QueryResult, type CompiledQuery } from 'kysely';

export interface StoreChanges {
  /**
   * The current version; a different number means something committed in
   * between. undefined when it cannot be known right now (a SQLite stream
   * holds the connection): treat as "changed".
   */
  version(): number | undefined;
  /** Whether version() also moves at once for commits by other processes (SQLite) or only for this process's (PostgreSQL). */
  readonly seesOtherWriters: boolean;
}

export interface ChangeCounter {
  value: number;
}

/** Raw SQL is a read only when it plainly is one; anything else counts as a write (a spurious change only costs a cache miss). */
const READ_ONLY_RAW = /^\s*(select|pragma\s+data_version)\b(?![\s\S]*\b(insert|update|delete|for\s+update|nextval|setval)\b)/i;

function writes(query: CompiledQuery): boolean {
  const node = query.query;
  if (SelectQueryNode.is(node)) return node.with !== undefined && /\b(insert|update|delete)\b/i.test(query.sql);
  if (node.kind === 'RawNode') return !READ_ONLY_RAW.test(query.sql);
  return true;
}

/** Wraps a dialect so that every write through it moves `counter` once its connection is released. */
export function countingChanges(dialect: Dialect, counter: ChangeCounter): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver(): Driver {
      const driver = dialect.createDriver();
      const inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
      const dirty = new WeakSet<DatabaseConnection>();
      const unwrap = (c: DatabaseConnection): DatabaseConnection => inner.get(c) ?? c;
      return {
        init: () => driver.init(),
        async acquireConnection() {
          const connection = await driver.acquireConnection();
          const wrapped: DatabaseConnection = {
            executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
              if (writes(query)) dirty.add(wrapped);
              return connection.executeQuery<R>(query);
            },
            streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
              if (writes(query)) dirty.add(wrapped);
              return connection.streamQuery<R>(query, chunkSize);
            },
          };
          inner.set(wrapped, connection);
          return wrapped;
        },
        beginTransaction: (c, settings) => driver.beginTransaction(unwrap(c), settings),
        commitTransaction: (c) => driver.commitTransaction(unwrap(c)),
        rollbackTransaction: (c) => driver.rollbackTransaction(unwrap(c)),
        ...(driver.savepoint ? { savepoint: (c, name, compile) => driver.savepoint!(unwrap(c), name, compile) } : {}),
        ...(driver.rollbackToSavepoint ? { rollbackToSavepoint: (c, name, compile) => driver.rollbackToSavepoint!(unwrap(c), name, compile) } : {}),
        ...(driver.releaseSavepoint ? { releaseSavepoint: (c, name, compile) => driver.releaseSavepoint!(unwrap(c), name, compile) } : {}),
        async releaseConnection(c) {
          // The statement (or the transaction's COMMIT/ROLLBACK) is over: readers from now on see it.
          if (dirty.has(c)) {
            dirty.delete(c);
            counter.value++;
          }
          await driver.releaseConnection(unwrap(c));
        },
        destroy: () => driver.destroy(),
      };
    },
  };
}

/** PostgreSQL: this process's writes only. */
export function localChanges(counter: ChangeCounter): StoreChanges {
  return { version: () => counter.value, seesOtherWriters: false };
}

/**
 * SQLite: this process's writes, plus any other connection's commits through
 * `PRAGMA data_version` on the store's connection. The pragma costs about
 * 10 µs (it reads the WAL index), a tenth of a cached answer, so it is read
 * once per event-loop turn: requests parsed in the same turn share it, and a
 * request that arrives after another connection's commit returned is always
 * in a later turn.
 */
export function sqliteChanges(counter: ChangeCounter, dataVersion: () => unknown): StoreChanges {
  let seen: unknown;
  let checked = false;
  const nextTurn = () => {
    checked = false;
  };
  return {
    seesOtherWriters: true,
    version() {
      if (checked) return counter.value;
      let now: unknown;
      try {
        now = dataVersion();
      } catch {
        // The connection is busy streaming rows (a backup): no version now.
        return undefined;
      }
      checked = true;
      setImmediate(nextTurn);
      if (now !== seen) {
        seen = now;
        counter.value++;
      }
      return counter.value;
    },
  };
}

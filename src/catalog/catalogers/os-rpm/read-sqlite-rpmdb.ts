/**
 * Header blobs from an rpm ≥ 4.16 SQLite database (rpmdb.sqlite): table
 * Packages(hnum, blob). The database is opened from memory, read-only, so a
 * hostile file never touches the disk and cannot run anything but our query.
 */
import Database from 'better-sqlite3';
import { BadInputError } from '../../../domain/errors.js';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export function readSqliteRpmdb(file: Buffer): Buffer[] {
  if (file.length < 100 || !file.subarray(0, 16).equals(SQLITE_MAGIC)) {
    throw new BadInputError('not an SQLite database');
  }
  // rpm keeps its database in WAL mode; a deserialized WAL database cannot be
  // read, and the header bytes 18-19 (write/read version 2 = WAL) say so.
  const copy = Buffer.from(file);
  if (copy[18] === 2) copy[18] = 1;
  if (copy[19] === 2) copy[19] = 1;
  let db: Database.Database;
  try {
    db = new Database(copy, { readonly: true });
  } catch (error) {
    throw new BadInputError(`cannot open rpmdb.sqlite: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    const rows = db.prepare('SELECT blob FROM Packages ORDER BY hnum').raw().all() as unknown[][];
    const blobs: Buffer[] = [];
    for (const [blob] of rows) if (Buffer.isBuffer(blob)) blobs.push(blob);
    return blobs;
  } catch (error) {
    throw new BadInputError(`cannot read Packages from rpmdb.sqlite: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  } finally {
    db.close();
  }
}

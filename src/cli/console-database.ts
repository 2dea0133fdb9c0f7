/**
 * Which console store an offline command (`audit`, `console backup|restore`)
 * works on: --database (a SQLite file or postgres:// URL), else
 * BULKHEAD_DATABASE, else <data dir>/console.db with the data dir from
 * --data-dir, BULKHEAD_DATA_DIR or the default — the same places
 * `bulkhead serve` looks.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { BadInputError } from '../domain/errors.js';
import { isPostgresUrl, openStore, type Store } from '../store/open-store.js';

export interface ConsoleDatabaseOptions {
  readonly database?: string;
  readonly dataDir?: string;
}

const DEFAULT_DATA_DIR = path.join(homedir(), '.local', 'share', 'bulkhead', 'console');

export function addConsoleDatabaseOptions(command: Command): Command {
  return command
    .option('--database <url|file>', 'console store: postgres://… or a SQLite file (default: $BULKHEAD_DATABASE or <data dir>/console.db)')
    .option('--data-dir <dir>', 'console data directory (default: $BULKHEAD_DATA_DIR or ~/.local/share/bulkhead/console)');
}

export function consoleDatabase(options: ConsoleDatabaseOptions, env: NodeJS.ProcessEnv = process.env): string {
  if (options.database) return options.database;
  if (env.BULKHEAD_DATABASE) return env.BULKHEAD_DATABASE;
  return path.join(path.resolve(options.dataDir ?? env.BULKHEAD_DATA_DIR ?? DEFAULT_DATA_DIR), 'console.db');
}

/**
 * Opens an existing store. `migrate` is false for commands that only read:
 * checking a store must not change it. A SQLite file that does not exist is
 * an error (opening would create an empty one).
 */
export async function openExistingStore(options: ConsoleDatabaseOptions, migrate: boolean): Promise<Store> {
  const database = consoleDatabase(options);
  if (!isPostgresUrl(database) && !existsSync(database)) {
    throw new BadInputError(`no console store at ${path.resolve(database)} (give --database URL|FILE or --data-dir DIR)`);
  }
  return openStore({ database, migrate, poolSize: 2 });
}

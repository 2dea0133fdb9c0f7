/**
 * `bulkhead console backup|restore`: a portable backup of the console store
 * (gzip'd JSON lines, console/backup) that restores into either SQLite or
 * PostgreSQL. Backups read one consistent snapshot, so the console may keep
 * running; stop it before a restore.
 */
import type { Command } from 'commander';
import { restoreBackup } from '../console/backup/restore-backup.js';
import { writeBackup } from '../console/backup/write-backup.js';
import { addConsoleDatabaseOptions, openExistingStore, consoleDatabase, type ConsoleDatabaseOptions } from './console-database.js';
import { openStore } from '../store/open-store.js';

function total(rows: Readonly<Record<string, number>>): number {
  return Object.values(rows).reduce((a, b) => a + b, 0);
}

async function backup(options: ConsoleDatabaseOptions & { output: string }): Promise<void> {
  const store = await openExistingStore(options, false);
  try {
    const summary = await writeBackup(store, options.output);
    const tables = Object.keys(summary.rows).length;
    process.stdout.write(`backed up ${total(summary.rows)} rows from ${tables} tables of ${store.location} to ${summary.file} (${summary.bytes} bytes, sha256 ${summary.sha256})\n`);
  } finally {
    await store.close();
  }
}

async function restore(options: ConsoleDatabaseOptions & { input: string; force?: boolean }): Promise<void> {
  // The target may be new: open (and create, and migrate) it.
  const store = await openStore({ database: consoleDatabase(options), poolSize: 2 });
  try {
    const summary = await restoreBackup(store, options.input, { force: options.force === true });
    const audit = summary.audit.head ? `audit chain intact: ${summary.audit.entries} entries, head seq ${summary.audit.head.seq}` : 'no audit entries';
    process.stdout.write(`restored ${total(summary.rows)} rows into ${store.location} from a ${summary.source.dialect} backup of ${summary.createdAt}; ${audit}\n`);
    if (summary.unfinishedJobs > 0) {
      process.stderr.write(`note: ${summary.unfinishedJobs} job(s) were queued or running when the backup was taken; check GET /api/v1/jobs and re-run them\n`);
    }
  } finally {
    await store.close();
  }
}

export function registerConsoleCommand(program: Command): void {
  const consoleCommand = program.command('console').description('the console store: backup, restore');
  addConsoleDatabaseOptions(consoleCommand.command('backup'))
    .description('write a portable backup of the console store (gzip\'d JSON lines; restores into SQLite or PostgreSQL)')
    .requiredOption('-o, --output <file>', 'backup file to write')
    .action(backup);
  addConsoleDatabaseOptions(consoleCommand.command('restore'))
    .description('load a backup into a console store in one transaction and verify its audit chain')
    .requiredOption('-i, --input <file>', 'backup file to read')
    .option('--force', 'replace a store that already holds data')
    .action(restore);
}

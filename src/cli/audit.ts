/**
 * `bulkhead audit verify|export`: offline work on the console's audit log,
 * straight on the store (the server need not run). verify exits 0 when the
 * hash chain is intact and 1 with one line saying where it breaks; export
 * writes the entries as JSON lines.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { BadInputError } from '../domain/errors.js';
import { streamAuditEntries } from '../console/audit/audit-query.js';
import { verifyAuditChain } from '../console/audit/verify-audit-chain.js';
import type { Store } from '../store/open-store.js';
import { addConsoleDatabaseOptions, openExistingStore, type ConsoleDatabaseOptions } from './console-database.js';
import { ExitCode } from './exit.js';

async function withStore<T>(options: ConsoleDatabaseOptions, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openExistingStore(options, false);
  try {
    return await work(store);
  } catch (error) {
    // An unmigrated database has no audit table: say so instead of a driver message.
    if (/no such table|relation "audit" does not exist/i.test((error as Error).message)) {
      throw new BadInputError(`${store.location} is not a console store (no audit table)`, { cause: error });
    }
    throw error;
  } finally {
    await store.close();
  }
}

async function verify(options: ConsoleDatabaseOptions & { json?: boolean }): Promise<void> {
  const verdict = await withStore(options, (store) => verifyAuditChain(store));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(verdict)}\n`);
  } else if (verdict.ok) {
    process.stdout.write(verdict.head
      ? `audit log intact: ${verdict.entries} entries, head seq ${verdict.head.seq} sha256:${verdict.head.hash}\n`
      : 'audit log intact: no entries\n');
  } else if (verdict.firstBad) {
    process.stdout.write(`audit log broken at seq ${verdict.firstBad.seq} (${verdict.firstBad.problem}): ${verdict.firstBad.detail}; ${verdict.entries} entries before it are intact\n`);
  }
  if (!verdict.ok) process.exitCode = ExitCode.PolicyViolation;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function exportEntries(options: ConsoleDatabaseOptions & { since?: string; output?: string }): Promise<void> {
  if (options.since !== undefined && Number.isNaN(Date.parse(options.since))) throw new BadInputError(`--since "${options.since}" is not an ISO-8601 time`);
  const toFile = options.output !== undefined && options.output !== '-';
  const temp = toFile ? `${options.output}.${process.pid}.tmp` : undefined;
  const out: Writable = temp ? createWriteStream(temp, { flags: 'wx' }) : process.stdout;
  let count = 0;
  try {
    await withStore(options, async (store) => {
      for await (const entry of streamAuditEntries(store, options.since !== undefined ? { since: options.since } : {})) {
        await write(out, `${JSON.stringify(entry)}\n`);
        count += 1;
      }
    });
    if (temp) {
      out.end();
      await once(out, 'finish');
      await rename(temp, options.output as string);
    }
  } catch (error) {
    if (temp) {
      out.destroy();
      await rm(temp, { force: true });
    }
    throw error;
  }
  if (toFile) process.stderr.write(`exported ${count} audit entries to ${options.output}\n`);
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description("the console's hash-chained audit log: verify, export");
  addConsoleDatabaseOptions(audit.command('verify'))
    .description('check the hash chain; exit 1 and say where when an entry was edited, deleted, reordered or inserted')
    .option('--json', 'print the verdict as JSON')
    .action(verify);
  addConsoleDatabaseOptions(audit.command('export'))
    .description('write the audit entries as JSON lines, oldest first')
    .option('--since <iso>', 'only entries at or after this time')
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .action(exportEntries);
}

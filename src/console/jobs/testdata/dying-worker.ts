/**
 * A worker that takes one job and never finishes it: the lease test starts it
 * in a child process, waits until it has claimed the job and kills it with
 * SIGKILL, as a crashed machine would.
 * Usage: node --import tsx dying-worker.ts <database> <kind> <leaseSeconds>
 */
import pino from 'pino';
import { openStore } from '../../../store/open-store.js';
import { createJobQueue } from '../create-job-queue.js';

const [database, kind, lease] = process.argv.slice(2);
const store = await openStore({ database: database! });
const queue = createJobQueue(store, { log: pino({ level: 'silent' }), worker: 'dying-worker', leaseSeconds: Number(lease), pollIntervalMs: 100 });
queue.handle(kind!, async (_payload, job) => {
  process.stdout.write(`claimed ${job.id} ${job.attempt}\n`);
  return new Promise(() => undefined);
});
await queue.start();
process.stdout.write('ready\n');

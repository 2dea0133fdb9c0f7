/**
 * `bulkhead worker`: runs the console's background jobs — image scans,
 * registry syncs, advisory updates, re-evaluations — without the HTTP
 * server. On PostgreSQL any number of workers on any machines share the
 * queue (pg-boss); on SQLite a worker shares the console's file on the same
 * machine. Registry credentials open with the console's secret key, so a
 * worker elsewhere needs the same BULKHEAD_SECRET_KEY. SIGTERM or SIGINT
 * stops it gracefully: no new jobs, running ones may finish (a job left
 * unfinished is retried by another worker once its lease runs out).
 */
import type { Command } from 'commander';
import { BadInputError } from '../domain/errors.js';
import { registerJobHandlers } from '../console/jobs/register-job-handlers.js';
import { buildContext } from '../console/server/build-context.js';
import { loadConsoleConfig } from '../console/server/load-console-config.js';

interface WorkerOptions {
  config?: string;
  database?: string;
  dataDir?: string;
  concurrency?: string;
  logLevel?: string;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the console\'s background jobs (scans, registry syncs, advisory updates, re-evaluation) without the API server')
    .option('--config <file>', 'the console\'s YAML configuration file (see docs/console.md)')
    .option('--database <url|file>', 'the console\'s store: postgres://… URL, or its SQLite file')
    .option('--data-dir <dir>', 'data directory (secret key, advisory database, default SQLite file)')
    .option('--concurrency <n>', 'jobs run at the same time (default 2)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .action(async (options: WorkerOptions) => {
      let concurrency: number | undefined;
      if (options.concurrency !== undefined) {
        concurrency = Number(options.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new BadInputError('--concurrency must be a whole number from 1 to 64');
      }
      const loaded = loadConsoleConfig(options.config, process.env, {
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.database ? { database: options.database } : {}),
        ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      });
      // Signals are taken from the start: a SIGTERM while the worker is still starting stops it gracefully too.
      let stopRequested: NodeJS.Signals | undefined;
      let onStop: ((signal: NodeJS.Signals) => void) | undefined;
      const signalled = (signal: NodeJS.Signals): void => {
        if (stopRequested) {
          process.stderr.write(`bulkhead: ${signal} again, exiting now\n`);
          process.exit(1);
        }
        stopRequested = signal;
        onStop?.(signal);
      };
      process.on('SIGTERM', signalled);
      process.on('SIGINT', signalled);

      // This process exists to run the workers, whatever the API servers' setting.
      const services = await buildContext({ ...loaded, workers: true }, concurrency !== undefined ? { jobs: { concurrency } } : {});
      const { ctx } = services;
      const workers = registerJobHandlers(ctx);
      try {
        if (!stopRequested) await services.start();
        if (!stopRequested) await workers.start();
      } catch (error) {
        await workers.stop().catch(() => undefined);
        await services.close();
        throw error;
      }
      if (!stopRequested) {
        ctx.log.info({ store: ctx.store.location, dialect: ctx.store.dialect, concurrency: concurrency ?? 2 }, 'worker running');
        process.stderr.write(`bulkhead worker running on ${ctx.store.location}\n`);
      }
      await new Promise<void>((resolve) => {
        onStop = (signal) => {
          ctx.log.info({ signal }, 'worker stopping');
          // Monitoring first (a re-evaluation reaches its checkpoint), then the jobs and the store.
          workers.stop()
            .catch((error: unknown) => ctx.log.error({ err: error }, 'stopping the schedules failed'))
            .then(() => services.close())
            .then(resolve, (error: unknown) => {
              ctx.log.error({ err: error }, 'worker shutdown failed');
              process.exitCode = 2;
              resolve();
            });
        };
        if (stopRequested) onStop(stopRequested);
      });
    });
}

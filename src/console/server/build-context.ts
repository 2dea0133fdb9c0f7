/**
 * Wires one console: the store, the logger and the services every route
 * and worker shares (audit log, event sink for alerts, job queue) into a
 * ConsoleContext, with start (background loops) and close (in the order
 * that lets in-flight work finish: jobs, then alert delivery, then the store).
 */
import pino, { type Logger } from 'pino';
import { openStore, type Store } from '../../store/open-store.js';
import { createAuditLog } from '../audit/audit-log.js';
import { forwardAuditToSyslog } from '../audit/forward-audit-to-syslog.js';
import { createSyslogSender } from '../syslog/syslog-sender.js';
import { createEventSink } from '../alerts/event-sink.js';
import type { ConsoleConfig } from '../config.js';
import type { ConsoleContext } from '../context.js';
import { createJobQueue } from '../jobs/create-job-queue.js';

export interface ConsoleServices {
  readonly ctx: ConsoleContext;
  /** Starts the job workers and alert delivery (when config.workers). */
  start(): Promise<void>;
  /** Stops them and closes the store; safe to call twice. */
  close(): Promise<void>;
}

export interface BuildContextOptions {
  readonly log?: Logger;
  /** A store already open (tests, `bulkhead worker`); closed by close() all the same. */
  readonly store?: Store;
  readonly now?: () => Date;
  /** Pass-through for the job queue (tests make it poll faster). */
  readonly jobs?: { readonly pollIntervalMs?: number; readonly concurrency?: number };
}

export function createConsoleLogger(config: Pick<ConsoleConfig, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'bulkhead-console', pid: process.pid },
    // Credentials never reach the log, whatever a serializer or a handler passes.
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.secret'], censor: '[redacted]' },
  });
}

export async function buildContext(config: ConsoleConfig, options: BuildContextOptions = {}): Promise<ConsoleServices> {
  const log = options.log ?? createConsoleLogger(config);
  const now = options.now ?? (() => new Date());
  const store = options.store ?? (await openStore({ database: config.database }));
  const chained = createAuditLog(store, { now });
  // With auditSyslog set, every entry also goes to the SIEM; a receiver that is down never fails an append.
  const sender = config.auditSyslog ? createSyslogSender({ host: config.auditSyslog.host, port: config.auditSyslog.port, protocol: config.auditSyslog.protocol, appName: config.auditSyslog.appName }) : undefined;
  const forwarding = sender && config.auditSyslog
    ? forwardAuditToSyslog(chained, sender, { enterpriseId: config.auditSyslog.enterpriseId, onError: (error, entry) => log.warn({ err: error, seq: entry.seq }, 'audit entry not forwarded to syslog') })
    : undefined;
  const audit = forwarding ?? chained;
  const events = createEventSink(store, config, log.child({ module: 'alerts' }), { now });
  const jobs = createJobQueue(store, { log: log.child({ module: 'jobs' }), ...options.jobs });
  const ctx: ConsoleContext = { store, config, log, audit, events, jobs, now };
  let started = false;
  let closing: Promise<void> | undefined;
  return {
    ctx,
    async start() {
      if (started || !config.workers) return;
      started = true;
      await jobs.start();
      events.start();
    },
    close() {
      closing ??= (async () => {
        const errors: unknown[] = [];
        if (started) {
          await jobs.stop().catch((e: unknown) => errors.push(e));
          await events.stop().catch((e: unknown) => errors.push(e));
        }
        await forwarding?.flush().catch((e: unknown) => errors.push(e));
        await sender?.close().catch((e: unknown) => errors.push(e));
        await store.close().catch((e: unknown) => errors.push(e));
        if (errors.length) log.error({ err: errors[0] }, 'errors while shutting down the console');
      })();
      return closing;
    },
  };
}

/**
 * alerts: routes console events to the targets alert rules name. publish()
 * matches each event against the enabled rules and writes one
 * alert_deliveries row per (rule, event) before returning, so an alert is
 * durable as soon as the change that caused it is; a delivery loop (start /
 * stop) then sends due deliveries, retrying failures with exponential
 * backoff until they are sent or have used their attempts ('failed').
 *
 * Several console replicas may run the loop on one PostgreSQL store: a
 * delivery is claimed by moving its next_attempt_at forward by a lease in an
 * UPDATE that re-checks it is still due, so only one replica sends it, and a replica that dies
 * mid-send leaves it to be retried when the lease runs out (at-least-once;
 * receivers de-duplicate on the delivery id).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../../store/open-store.js';
import type { AlertDeliveryTable } from '../../store/schema.js';
import type { ConsoleConfig } from '../config.js';
import type { ConsoleEvent, EventSink } from '../context.js';
import { alertRuleFromRow, compileTrigger, type AlertRule } from './alert-rule.js';
import type { AlertPayload } from './alert-payload.js';
import { sendAlert } from './send-alert.js';

export interface EventSinkOptions {
  /** How often an idle loop looks for due deliveries (default 1 s; publish wakes it at once). */
  readonly pollIntervalMs?: number;
  /** Attempts before a delivery is 'failed' (default 8). */
  readonly maxAttempts?: number;
  /** Delay after the first failure; doubled after each further one (default 5 s). */
  readonly backoffBaseMs?: number;
  /** Longest delay between attempts (default 15 min). */
  readonly backoffMaxMs?: number;
  /** Per-send timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** Deliveries sent at the same time (default 16). */
  readonly concurrency?: number;
  /** Sent and failed deliveries older than this are deleted (default 30 days; the audit log keeps rule changes). */
  readonly retentionDays?: number;
  /** The clock (tests). */
  readonly now?: () => Date;
}

export interface ManagedEventSink extends EventSink {
  start(): void;
  stop(): Promise<void>;
  /** One pass over the deliveries due now; resolves with how many were attempted. */
  deliverDue(): Promise<number>;
  /** Deletes finished deliveries past the retention; resolves with how many. */
  pruneFinished(): Promise<number>;
}

const BATCH = 200;
const PRUNE_EVERY_MS = 60 * 60_000;
const INSERT_CHUNK = 200;

/** Delay before the attempt after `attemptsDone` failures: doubling, capped, with up to 20% jitter so retries spread. */
export function alertBackoffMs(baseMs: number, maxMs: number, attemptsDone: number): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attemptsDone - 1)));
  return Math.round(raw * (1 + Math.random() * 0.2));
}

export function createEventSink(store: Store, config: ConsoleConfig, log: Logger, options: EventSinkOptions = {}): ManagedEventSink {
  const pollIntervalMs = Math.max(10, options.pollIntervalMs ?? 1000);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 8);
  const backoffBaseMs = Math.max(1, options.backoffBaseMs ?? 5000);
  const backoffMaxMs = Math.max(backoffBaseMs, options.backoffMaxMs ?? 15 * 60_000);
  const timeoutMs = Math.max(100, options.timeoutMs ?? 10_000);
  const concurrency = Math.max(1, options.concurrency ?? 16);
  // A claimed delivery is not taken by another replica until the send's timeout has surely passed.
  const leaseMs = timeoutMs * 3 + 5000;
  const retentionMs = Math.max(1, options.retentionDays ?? 30) * 86_400_000;
  const now = options.now ?? (() => new Date());
  const triggers = new Map<string, (event: ConsoleEvent) => boolean>();

  function triggerOf(rule: AlertRule, raw: string): (event: ConsoleEvent) => boolean {
    let matches = triggers.get(raw);
    if (!matches) {
      matches = compileTrigger(rule.trigger);
      if (triggers.size > 1000) triggers.clear();
      triggers.set(raw, matches);
    }
    return matches;
  }

  async function publish(events: readonly ConsoleEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = await store.db.selectFrom('alert_rules').selectAll().where('enabled', '=', 1).execute();
    if (rows.length === 0) return;
    const at = now().toISOString();
    const deliveries: AlertDeliveryTable[] = [];
    for (const row of rows) {
      const parsed = alertRuleFromRow(row);
      if ('error' in parsed) {
        log.warn({ rule: row.id, error: parsed.error }, 'alert rule skipped');
        continue;
      }
      const matches = triggerOf(parsed.rule, row.trigger);
      for (const event of events) {
        if (!matches(event)) continue;
        const payload: AlertPayload = { rule: { id: row.id, name: row.name }, event };
        deliveries.push({ id: randomUUID(), rule_id: row.id, payload: JSON.stringify(payload), state: 'pending', attempts: 0, next_attempt_at: at, last_error: null, created_at: at });
      }
    }
    if (deliveries.length === 0) return;
    if (deliveries.length <= INSERT_CHUNK) {
      // One statement is atomic by itself: no BEGIN/COMMIT round trips on the common path.
      await store.db.insertInto('alert_deliveries').values(deliveries).execute();
    } else {
      await store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
          await trx.insertInto('alert_deliveries').values(deliveries.slice(i, i + INSERT_CHUNK)).execute();
        }
      });
    }
    log.debug({ deliveries: deliveries.length, events: events.length }, 'alerts recorded');
    wake();
  }

  /**
   * Takes due deliveries for this process in one statement: the lease moves
   * next_attempt_at forward, and the WHERE re-checked on each row (PostgreSQL
   * re-evaluates it after a concurrent update; SQLite serializes writers)
   * leaves a row another replica took first out of RETURNING.
   */
  async function claim(ids: readonly string[], nowIso: string): Promise<string[]> {
    if (ids.length === 0) return [];
    const until = new Date(now().getTime() + leaseMs).toISOString();
    const rows = await store.db.updateTable('alert_deliveries').set({ next_attempt_at: until })
      .where('id', 'in', ids).where('state', '=', 'pending').where('next_attempt_at', '<=', nowIso)
      .returning('id').execute();
    return rows.map((r) => r.id);
  }

  /** Sends one claimed delivery; the outcome, for the batched bookkeeping after the pass. */
  async function attempt(delivery: AlertDeliveryTable, rule: AlertRule | string): Promise<{ error?: string; final?: boolean }> {
    if (typeof rule === 'string') return { error: rule, final: true };
    try {
      await sendAlert(rule.target, delivery.id, JSON.parse(delivery.payload) as AlertPayload, { secretKey: config.secretKey, timeoutMs });
      return {};
    } catch (e) {
      return { error: ((e as Error).message || 'send failed').slice(0, 1000) };
    }
  }

  async function deliverDue(): Promise<number> {
    const nowIso = now().toISOString();
    const due = await store.db.selectFrom('alert_deliveries').select('id')
      .where('state', '=', 'pending').where('next_attempt_at', '<=', nowIso)
      .orderBy('next_attempt_at').limit(BATCH).execute();
    const claimed = await claim(due.map((d) => d.id), nowIso);
    if (claimed.length === 0) return 0;
    const deliveries = await store.db.selectFrom('alert_deliveries').selectAll().where('id', 'in', claimed).where('state', '=', 'pending').execute();
    const ruleIds = [...new Set(deliveries.map((d) => d.rule_id))];
    const ruleRows = await store.db.selectFrom('alert_rules').selectAll().where('id', 'in', ruleIds).execute();
    // A rule, or why its deliveries cannot be sent (then they fail without further attempts).
    const rules = new Map<string, AlertRule | string>(ruleIds.map((id) => [id, 'the alert rule was deleted']));
    for (const row of ruleRows) {
      const parsed = alertRuleFromRow(row);
      rules.set(row.id, row.enabled !== 1 ? 'the alert rule was disabled' : 'error' in parsed ? parsed.error : parsed.rule);
    }
    const sent: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++] as AlertDeliveryTable;
        const outcome = await attempt(delivery, rules.get(delivery.rule_id) as AlertRule | string);
        if (outcome.error === undefined) {
          sent.push(delivery.id);
          continue;
        }
        const attempts = delivery.attempts + 1;
        const failed = outcome.final === true || attempts >= maxAttempts;
        const retryAt = failed ? now() : new Date(now().getTime() + alertBackoffMs(backoffBaseMs, backoffMaxMs, attempts));
        try {
          await store.db.updateTable('alert_deliveries')
            .set({ state: failed ? 'failed' : 'pending', attempts, last_error: outcome.error, next_attempt_at: retryAt.toISOString() })
            .where('id', '=', delivery.id).execute();
        } catch (error) {
          // Left claimed: the lease hands it back later.
          log.error({ delivery: delivery.id, err: error }, 'alert delivery outcome could not be recorded');
        }
        log[failed ? 'warn' : 'info']({ delivery: delivery.id, rule: delivery.rule_id, attempts, error: outcome.error }, failed ? 'alert delivery failed for good' : 'alert delivery failed; will retry');
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, deliveries.length) }, worker));
    // Sent ones in one statement per chunk; attempts is the stored count plus this one.
    const at = now().toISOString();
    for (let i = 0; i < sent.length; i += INSERT_CHUNK) {
      await store.db.updateTable('alert_deliveries')
        .set((eb) => ({ state: 'sent', attempts: eb('attempts', '+', 1), last_error: null, next_attempt_at: at }))
        .where('id', 'in', sent.slice(i, i + INSERT_CHUNK)).execute();
    }
    return claimed.length;
  }

  async function pruneFinished(): Promise<number> {
    const cutoff = new Date(now().getTime() - retentionMs).toISOString();
    const result = await store.db.deleteFrom('alert_deliveries').where('state', 'in', ['sent', 'failed']).where('created_at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  let running = false;
  let lastPrune = 0;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;
  let wakeRequested = false;

  function schedule(delayMs: number): void {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      runPass();
    }, delayMs);
    timer.unref?.();
  }

  function runPass(): void {
    if (!running || pass) return;
    wakeRequested = false;
    pass = (async () => {
      let attempted = 0;
      try {
        if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          await pruneFinished();
        }
        attempted = await deliverDue();
      } catch (error) {
        log.error({ err: error }, 'alert delivery pass failed');
      }
      pass = undefined;
      // A full batch or a publish during the pass means more may be due now.
      schedule(attempted >= BATCH || wakeRequested ? 0 : pollIntervalMs);
    })();
  }

  function wake(): void {
    if (!running) return;
    if (pass) {
      wakeRequested = true;
      return;
    }
    schedule(0);
  }

  return {
    publish,
    deliverDue,
    pruneFinished,
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await pass;
    },
  };
}

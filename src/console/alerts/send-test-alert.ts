/**
 * "Send test alert": one synthetic event through a rule's target, now, so
 * whoever set the rule up sees at once whether the receiver accepts it (and
 * verifies its signature). Recorded like any delivery, but not retried: a
 * test answers now or fails.
 */
import { randomUUID } from 'node:crypto';
import type { ConsoleContext, ConsoleEvent } from '../context.js';
import { ProblemError } from '../route.js';
import type { AlertPayload } from './alert-payload.js';
import { alertRuleFromRow } from './alert-rule.js';
import { sendAlert } from './send-alert.js';

export interface TestAlertResult {
  readonly delivery: string;
  readonly delivered: boolean;
  readonly error?: string;
}

export async function sendTestAlert(ctx: ConsoleContext, ruleId: string, actor: string): Promise<TestAlertResult> {
  const row = await ctx.store.db.selectFrom('alert_rules').selectAll().where('id', '=', ruleId).executeTakeFirst();
  if (!row) throw new ProblemError(404, 'Not found', `no alert rule ${ruleId}`);
  const parsed = alertRuleFromRow(row);
  if ('error' in parsed) throw new ProblemError(409, 'Rule unusable', parsed.error);
  const at = ctx.now().toISOString();
  const event: ConsoleEvent = { type: 'alert.test', severity: 'info', at, summary: `Test alert for rule "${row.name}", sent by ${actor}`, detail: { test: true } };
  const payload: AlertPayload = { rule: { id: row.id, name: row.name }, event };
  const id = randomUUID();
  await ctx.store.db.insertInto('alert_deliveries').values({ id, rule_id: row.id, payload: JSON.stringify(payload), state: 'pending', attempts: 0, next_attempt_at: '9999-12-31T00:00:00.000Z', last_error: null, created_at: at }).execute();
  let error: string | undefined;
  try {
    await sendAlert(parsed.rule.target, id, payload, { secretKey: ctx.config.secretKey, timeoutMs: 10_000 });
  } catch (e) {
    error = ((e as Error).message || 'send failed').slice(0, 1000);
  }
  await ctx.store.db.updateTable('alert_deliveries').set({ state: error ? 'failed' : 'sent', attempts: 1, last_error: error ?? null, next_attempt_at: ctx.now().toISOString() }).where('id', '=', id).execute();
  await ctx.audit.append({ actor, action: 'alert.rule.test', target: `alert-rule:${row.id}`, detail: { delivered: !error, ...(error ? { error } : {}) } });
  return { delivery: id, delivered: !error, ...(error ? { error } : {}) };
}

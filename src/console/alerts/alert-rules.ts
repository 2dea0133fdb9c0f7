/**
 * Alert rules as the API manages them: created, replaced and deleted by
 * admins and secops, every change audited. Secrets (the webhook signing
 * secret, Slack's URL, which is its own credential) are sealed before they
 * are stored and never shown again; a generated signing secret is returned
 * once, in the answer that created it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AlertRuleTable } from '../../store/schema.js';
import type { ConsoleContext } from '../context.js';
import { ProblemError } from '../route.js';
import { openSecret, sealSecret } from '../secrets/seal.js';
import { alertRuleFromRow, alertTriggerSchema, httpUrl, storedAlertTargetSchema, SYSLOG_FACILITY_NAMES, type AlertTrigger, type StoredAlertTarget } from './alert-rule.js';

/** A target as the API takes it: secrets in the clear (over TLS), sealed here. */
export const alertTargetInputSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('webhook'),
    url: httpUrl,
    /** Signing secret; omitted: a new one is generated (create) or the stored one kept (replace). */
    secret: z.string().min(16, { error: 'a signing secret has at least 16 characters' }).max(512).optional(),
  }),
  z.strictObject({ type: z.literal('slack'), url: httpUrl }),
  z.strictObject({
    type: z.literal('syslog'),
    host: z.string().min(1).max(255).regex(/^[A-Za-z0-9.:_-]+$/, { error: 'a host name or IP address' }),
    port: z.number().int().min(1).max(65535).default(514),
    protocol: z.enum(['udp', 'tcp']).default('udp'),
    facility: z.enum(SYSLOG_FACILITY_NAMES).default('local0'),
  }),
]);

export const alertRuleInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  trigger: alertTriggerSchema,
  target: alertTargetInputSchema,
  enabled: z.boolean().default(true),
});
export type AlertRuleInput = z.output<typeof alertRuleInputSchema>;

/** A rule as the API shows it: no secrets, Slack's URL reduced to its origin. */
export interface AlertRuleView {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly trigger: AlertTrigger;
  readonly target: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  /** Only in the answer that generated it. */
  readonly secret?: string;
}

function targetView(target: StoredAlertTarget, key: Buffer): Record<string, unknown> {
  switch (target.type) {
    case 'webhook':
      return { type: 'webhook', url: target.url, hasSecret: true };
    case 'slack': {
      let origin = '(sealed with another key)';
      try {
        origin = `${new URL(openSecret(key, target.urlSealed)).origin}/…`;
      } catch {
        // A key change leaves the rule unusable until it is replaced; say so instead of failing the listing.
      }
      return { type: 'slack', url: origin };
    }
    case 'syslog':
      return { ...target };
  }
}

function viewOf(row: AlertRuleTable, key: Buffer): AlertRuleView {
  const parsed = alertRuleFromRow(row);
  if ('error' in parsed) return { id: row.id, name: row.name, enabled: row.enabled === 1, trigger: { events: [] } as unknown as AlertTrigger, target: { error: parsed.error }, createdAt: row.created_at };
  const { rule } = parsed;
  return { id: rule.id, name: rule.name, enabled: rule.enabled, trigger: rule.trigger, target: targetView(rule.target, key), createdAt: rule.createdAt };
}

function sealTarget(input: AlertRuleInput['target'], key: Buffer, previous: StoredAlertTarget | undefined): { target: StoredAlertTarget; secret?: string } {
  switch (input.type) {
    case 'webhook': {
      if (input.secret !== undefined) return { target: { type: 'webhook', url: input.url, secretSealed: sealSecret(key, input.secret) } };
      if (previous?.type === 'webhook') return { target: { type: 'webhook', url: input.url, secretSealed: previous.secretSealed } };
      const secret = randomBytes(32).toString('base64url');
      return { target: { type: 'webhook', url: input.url, secretSealed: sealSecret(key, secret) }, secret };
    }
    case 'slack':
      return { target: { type: 'slack', urlSealed: sealSecret(key, input.url) } };
    case 'syslog':
      return { target: storedAlertTargetSchema.parse(input) };
  }
}

export async function listAlertRules(ctx: ConsoleContext): Promise<AlertRuleView[]> {
  const rows = await ctx.store.db.selectFrom('alert_rules').selectAll().orderBy('created_at').orderBy('id').limit(10_000).execute();
  return rows.map((r) => viewOf(r, ctx.config.secretKey));
}

async function rowOf(ctx: ConsoleContext, id: string): Promise<AlertRuleTable> {
  const row = await ctx.store.db.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ProblemError(404, 'Not found', `no alert rule ${id}`);
  return row;
}

export async function getAlertRule(ctx: ConsoleContext, id: string): Promise<AlertRuleView> {
  return viewOf(await rowOf(ctx, id), ctx.config.secretKey);
}

export async function createAlertRule(ctx: ConsoleContext, input: AlertRuleInput, actor: string): Promise<AlertRuleView> {
  const { target, secret } = sealTarget(input.target, ctx.config.secretKey, undefined);
  const row: AlertRuleTable = {
    id: randomUUID(),
    name: input.name,
    trigger: JSON.stringify(input.trigger),
    target: JSON.stringify(target),
    enabled: input.enabled ? 1 : 0,
    created_at: ctx.now().toISOString(),
  };
  await ctx.store.db.insertInto('alert_rules').values(row).execute();
  await ctx.audit.append({ actor, action: 'alert.rule.create', target: `alert-rule:${row.id}`, detail: { name: row.name, trigger: input.trigger, target: targetView(target, ctx.config.secretKey), enabled: input.enabled } });
  return { ...viewOf(row, ctx.config.secretKey), ...(secret ? { secret } : {}) };
}

export async function replaceAlertRule(ctx: ConsoleContext, id: string, input: AlertRuleInput, actor: string): Promise<AlertRuleView> {
  const before = await rowOf(ctx, id);
  const previous = alertRuleFromRow(before);
  const { target, secret } = sealTarget(input.target, ctx.config.secretKey, 'rule' in previous ? previous.rule.target : undefined);
  const set = { name: input.name, trigger: JSON.stringify(input.trigger), target: JSON.stringify(target), enabled: input.enabled ? 1 : 0 };
  await ctx.store.db.updateTable('alert_rules').set(set).where('id', '=', id).execute();
  await ctx.audit.append({ actor, action: 'alert.rule.update', target: `alert-rule:${id}`, detail: { name: input.name, trigger: input.trigger, target: targetView(target, ctx.config.secretKey), enabled: input.enabled } });
  return { ...viewOf({ ...before, ...set }, ctx.config.secretKey), ...(secret ? { secret } : {}) };
}

/** Deletes a rule; its pending deliveries fail with "rule deleted" instead of being sent. */
export async function deleteAlertRule(ctx: ConsoleContext, id: string, actor: string): Promise<void> {
  const before = await rowOf(ctx, id);
  await ctx.store.db.deleteFrom('alert_rules').where('id', '=', id).execute();
  await ctx.audit.append({ actor, action: 'alert.rule.delete', target: `alert-rule:${id}`, detail: { name: before.name } });
}

/**
 * An alert rule: which console events (with what severity or verdict, for
 * which images and environments) go to which target. The stored JSON of
 * alert_rules.trigger and alert_rules.target is validated with these schemas
 * when written and again when read, so a hand-edited row cannot crash the
 * delivery loop.
 */
import { z } from 'zod';
import { SEVERITY_LEVELS, SEVERITY_RANK, type SeverityLevel } from '../../domain/severity.js';
import { compileGlob } from '../../policy/glob.js';
import type { ConsoleEvent } from '../context.js';

const globList = z.array(z.string().min(1).max(512).refine((g) => {
  try {
    compileGlob(g);
    return true;
  } catch {
    return false;
  }
}, { error: 'not a valid glob' })).min(1).max(100);

export const alertEventFilterSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('finding.new'), minSeverity: z.enum(SEVERITY_LEVELS).default('critical') }),
  z.strictObject({ type: z.literal('finding.resolved'), minSeverity: z.enum(SEVERITY_LEVELS).default('critical') }),
  /** Only changes to one of these verdicts (default: to block). */
  z.strictObject({ type: z.literal('verdict.changed'), to: z.array(z.enum(['allow', 'warn', 'block'])).min(1).default(['block']) }),
  z.strictObject({ type: z.literal('health.problem') }),
  z.strictObject({ type: z.literal('enforcement.denied') }),
  z.strictObject({ type: z.literal('policy.changed') }),
  /** A re-evaluation run (advisory update, policy or exception change) finished: how many images and verdicts changed. */
  z.strictObject({ type: z.literal('reevaluation.finished') }),
  /** A host hardening check that passed at the host's previous audit fails now. */
  z.strictObject({ type: z.literal('host.drift') }),
]);
export type AlertEventFilter = z.output<typeof alertEventFilterSchema>;

export const alertTriggerSchema = z.strictObject({
  events: z.array(alertEventFilterSchema).min(1).max(20),
  /** Limits image events to these repositories / environments; events without an image pass only when no scope is set. */
  scope: z.strictObject({
    images: globList.optional(),
    environments: z.array(z.string().min(1).max(128)).min(1).max(100).optional(),
  }).optional(),
});
export type AlertTrigger = z.output<typeof alertTriggerSchema>;

/** What alert_rules.target may name as the syslog facility (RFC 5424 §6.2.1). */
export const SYSLOG_FACILITY_NAMES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'audit', 'alert', 'clock', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'] as const;

export const httpUrl = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(2048);

/** A target as stored: secrets sealed. */
export const storedAlertTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('webhook'), url: httpUrl, secretSealed: z.string().min(1) }),
  /** Slack's incoming-webhook URL is itself the credential: sealed like a secret. */
  z.strictObject({ type: z.literal('slack'), urlSealed: z.string().min(1) }),
  z.strictObject({
    type: z.literal('syslog'),
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535).default(514),
    protocol: z.enum(['udp', 'tcp']).default('udp'),
    facility: z.enum(SYSLOG_FACILITY_NAMES).default('local0'),
  }),
]);
export type StoredAlertTarget = z.output<typeof storedAlertTargetSchema>;

export interface AlertRule {
  readonly id: string;
  readonly name: string;
  readonly trigger: AlertTrigger;
  readonly target: StoredAlertTarget;
  readonly enabled: boolean;
  readonly createdAt: string;
}

export interface AlertRuleRow {
  id: string;
  name: string;
  trigger: string;
  target: string;
  enabled: number;
  created_at: string;
}

/** Reads a stored row; undefined (and the reason) when its JSON no longer validates. */
export function alertRuleFromRow(row: AlertRuleRow): { rule: AlertRule } | { error: string } {
  let trigger: unknown;
  let target: unknown;
  try {
    trigger = JSON.parse(row.trigger);
    target = JSON.parse(row.target);
  } catch {
    return { error: 'stored rule is not JSON' };
  }
  const t = alertTriggerSchema.safeParse(trigger);
  if (!t.success) return { error: `stored trigger is invalid: ${t.error.issues[0]?.message ?? 'invalid'}` };
  const g = storedAlertTargetSchema.safeParse(target);
  if (!g.success) return { error: `stored target is invalid: ${g.error.issues[0]?.message ?? 'invalid'}` };
  return { rule: { id: row.id, name: row.name, trigger: t.data, target: g.data, enabled: row.enabled === 1, createdAt: row.created_at } };
}

function severityAtLeast(severity: string | undefined, min: SeverityLevel): boolean {
  const rank = SEVERITY_RANK[(severity ?? 'unknown') as SeverityLevel] ?? 0;
  return rank >= SEVERITY_RANK[min];
}

function filterMatches(filter: AlertEventFilter, event: ConsoleEvent): boolean {
  if (filter.type !== event.type) return false;
  switch (filter.type) {
    case 'finding.new':
    case 'finding.resolved':
      return severityAtLeast(event.severity, filter.minSeverity);
    case 'verdict.changed': {
      const to = event.detail['to'];
      return typeof to === 'string' && (filter.to as readonly string[]).includes(to);
    }
    default:
      return true;
  }
}

/** A compiled trigger: decides quickly whether an event concerns the rule. */
export function compileTrigger(trigger: AlertTrigger): (event: ConsoleEvent) => boolean {
  const images = trigger.scope?.images?.map((g) => compileGlob(g));
  const environments = trigger.scope?.environments ? new Set(trigger.scope.environments) : undefined;
  return (event) => {
    if (!trigger.events.some((f) => filterMatches(f, event))) return false;
    if (!images && !environments) return true;
    // A scoped rule is about images: an event without one is out of its scope.
    if (!event.image) return false;
    if (environments && !environments.has(event.image.environment ?? '')) return false;
    if (images && !event.image.repositories.some((r) => images.some((re) => re.test(r)))) return false;
    return true;
  };
}

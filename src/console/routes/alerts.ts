/**
 * Alert rules (what, for which scope, to where), their deliveries with
 * state, attempts and last error, and "send test alert".
 */
import { z } from 'zod';
import { alertRuleInputSchema, createAlertRule, deleteAlertRule, getAlertRule, listAlertRules, replaceAlertRule } from '../alerts/alert-rules.js';
import { sendTestAlert } from '../alerts/send-test-alert.js';
import { actorOf } from '../principal.js';
import type { ConsoleRoute } from '../route.js';
import { route } from '../route.js';

const idParam = z.strictObject({ id: z.uuid({ error: 'an alert rule id (UUID)' }) });

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const alertRoutes: readonly ConsoleRoute[] = [
  route({
    method: 'GET',
    url: '/api/v1/alerts/rules',
    summary: 'Alert rules (secrets never shown)',
    tag: 'alerts',
    access: ['secops', 'auditor'],
    async handler(_request, ctx) {
      return { body: { rules: await listAlertRules(ctx) } };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/alerts/rules',
    summary: 'Create an alert rule; a webhook without a secret gets a generated one, shown once in this answer',
    tag: 'alerts',
    access: ['secops'],
    body: alertRuleInputSchema,
    async handler(request, ctx) {
      const rule = await createAlertRule(ctx, request.body, actorOf(request.principal));
      return { status: 201, headers: { location: `/api/v1/alerts/rules/${rule.id}` }, body: rule };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/alerts/rules/:id',
    summary: 'One alert rule',
    tag: 'alerts',
    access: ['secops', 'auditor'],
    params: idParam,
    async handler(request, ctx) {
      return { body: await getAlertRule(ctx, request.params.id) };
    },
  }),
  route({
    method: 'PUT',
    url: '/api/v1/alerts/rules/:id',
    summary: 'Replace an alert rule (a webhook without a secret keeps its stored one)',
    tag: 'alerts',
    access: ['secops'],
    params: idParam,
    body: alertRuleInputSchema,
    async handler(request, ctx) {
      return { body: await replaceAlertRule(ctx, request.params.id, request.body, actorOf(request.principal)) };
    },
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/alerts/rules/:id',
    summary: 'Delete an alert rule; its pending deliveries are failed, not sent',
    tag: 'alerts',
    access: ['secops'],
    params: idParam,
    async handler(request, ctx) {
      await deleteAlertRule(ctx, request.params.id, actorOf(request.principal));
      return { status: 204 };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/alerts/rules/:id/test',
    summary: 'Send a test alert through the rule now; answers whether the receiver took it',
    tag: 'alerts',
    access: ['secops'],
    params: idParam,
    async handler(request, ctx) {
      return { body: await sendTestAlert(ctx, request.params.id, actorOf(request.principal)) };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/alerts/deliveries',
    summary: 'Alert deliveries, newest first, with state (pending, sent, failed), attempts and the last error',
    tag: 'alerts',
    access: ['secops', 'auditor'],
    query: z.strictObject({
      state: z.enum(['pending', 'sent', 'failed']).optional(),
      rule: z.uuid().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      /** Page: deliveries created before this timestamp (the last one's createdAt). */
      before: z.iso.datetime().optional(),
    }),
    async handler(request, ctx) {
      const { state, rule, limit, before } = request.query;
      let q = ctx.store.db.selectFrom('alert_deliveries').selectAll();
      if (state) q = q.where('state', '=', state);
      if (rule) q = q.where('rule_id', '=', rule);
      if (before) q = q.where('created_at', '<', new Date(before).toISOString());
      const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
      return {
        body: {
          deliveries: rows.map((r) => ({
            id: r.id,
            rule: r.rule_id,
            state: r.state,
            attempts: r.attempts,
            nextAttemptAt: r.state === 'pending' ? r.next_attempt_at : null,
            lastError: r.last_error,
            createdAt: r.created_at,
            payload: parsePayload(r.payload),
          })),
        },
      };
    },
  }),
];

/**
 * Liveness (/healthz: the process serves) and readiness (/readyz: every
 * registered readiness check passes — store reachable, migrations applied,
 * and what other modules add). Both are public for probes; readiness names
 * failing checks but keeps their error text in the server log.
 */
import { z } from 'zod';
import { route } from '../route.js';
import { runReadinessChecks } from '../server/health-checks.js';

export const healthRoutes = [
  route({
    method: 'GET',
    url: '/healthz',
    summary: 'Liveness: the server process answers',
    tag: 'health',
    access: 'public',
    response: z.object({ status: z.literal('ok') }),
    handler: async () => ({ body: { status: 'ok' } }),
  }),
  route({
    method: 'GET',
    url: '/readyz',
    summary: 'Readiness: the store answers, migrations are applied, registered checks pass',
    tag: 'health',
    access: 'public',
    response: z.object({ status: z.enum(['ready', 'unavailable']), checks: z.array(z.object({ name: z.string(), ok: z.boolean(), ms: z.number() })) }),
    handler: async (_request, ctx) => {
      const { ready, checks } = await runReadinessChecks(ctx);
      const failed = checks.filter((c) => !c.ok);
      if (failed.length) ctx.log.warn({ checks: failed }, 'readiness check failed');
      return {
        status: ready ? 200 : 503,
        body: { status: ready ? 'ready' : 'unavailable', checks: checks.map(({ name, ok, ms }) => ({ name, ok, ms })) },
      };
    },
  }),
];

/**
 * What enforcement points tell the console and ask of it: every decision
 * they made goes to the hash-chained audit log (denials also become
 * 'enforcement.denied' events for alert rules), and they poll for images
 * whose verdict changed since they last asked, to refresh their caches and
 * act on running containers.
 */
import { z } from 'zod';
import type { EnforcementDecision, VerdictChange } from '../../domain/enforcement.js';
import type { Verdict } from '../../domain/decision.js';
import { parseImageReference, repositoryName } from '../../image/sources/image-reference.js';
import type { ConsoleEvent } from '../context.js';
import { jsonOr } from '../inventory/image-views.js';
import { actorOf } from '../principal.js';
import { route } from '../route.js';

const verdict = z.enum(['allow', 'warn', 'block']);
const line = z.string().max(4096);

export const enforcementDecisionSchema = z.strictObject({
  id: z.string().min(1).max(128).optional(),
  at: z.iso.datetime({ offset: true }),
  point: z.enum(['docker', 'kubernetes']),
  source: z.string().min(1).max(255),
  action: z.string().min(1).max(128),
  allowed: z.boolean(),
  user: z.string().max(512).optional(),
  image: z.strictObject({ reference: z.string().max(1024), digest: z.string().regex(/^sha(256|384|512):[a-f0-9]{64,128}$/).optional() }).optional(),
  verdict: verdict.optional(),
  reasons: z.array(line).max(100),
  rules: z.array(z.string().max(256)).max(100),
});

// Compile-time guard: what the schema accepts is the wire type.
const _decision = (value: z.infer<typeof enforcementDecisionSchema>): EnforcementDecision => value;
void _decision;

/** Changes answered per request; a client at the limit asks again from the `now` it got. */
const MAX_CHANGES = 5000;
/**
 * Changes committed by a slower transaction may carry a timestamp a little
 * before the moment we read: the next poll starts this far back, so nothing
 * is missed (a change can come twice; applying a verdict twice is harmless).
 */
const OVERLAP_MS = 5000;

function repositoryOf(reference: string): string[] {
  try {
    return [repositoryName(parseImageReference(reference))];
  } catch {
    return [];
  }
}

export const enforcementRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/enforcement/decisions',
    summary: 'Enforcement points report their decisions: each is appended to the audit log; denials are also published as events',
    tag: 'enforcement',
    access: ['defender'],
    bodyLimit: 4 * 1024 * 1024,
    body: z.strictObject({ decisions: z.array(enforcementDecisionSchema).min(1).max(1000) }),
    handler: async ({ body, principal }, ctx) => {
      const actor = actorOf(principal);
      const seqs: number[] = [];
      const denied: ConsoleEvent[] = [];
      for (const d of body.decisions) {
        const target = d.image ? `image:${d.image.digest ?? d.image.reference}` : `${d.point}:${d.source}`;
        const { seq } = await ctx.audit.append({ actor, action: 'enforcement.decision', target, detail: { ...d } });
        seqs.push(seq);
        if (!d.allowed) {
          denied.push({
            type: 'enforcement.denied',
            at: d.at,
            ...(d.image ? { image: { digest: d.image.digest ?? '', repositories: repositoryOf(d.image.reference) } } : {}),
            summary: `${d.point} ${d.source} denied ${d.action}${d.image ? ` of ${d.image.reference}` : ''}${d.user ? ` for ${d.user}` : ''}: ${d.reasons[0] ?? 'no reason given'}`,
            detail: { ...d, auditSeq: seq },
          });
        }
      }
      if (denied.length) await ctx.events.publish(denied);
      return { body: { recorded: seqs.length, auditSeqs: seqs } };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/enforcement/verdicts',
    summary: 'Images whose verdict changed after `since` (oldest first), and the `since` to send next time',
    tag: 'enforcement',
    access: ['defender', 'secops', 'auditor'],
    query: z.strictObject({ since: z.iso.datetime({ offset: true }) }),
    handler: async ({ query }, ctx) => {
      const since = new Date(query.since).toISOString();
      const asked = ctx.now().getTime();
      const rows = await ctx.store.db
        .selectFrom('image_changes')
        .select(['digest', 'at', 'detail', 'cause'])
        .where('kind', '=', 'verdict')
        .where('at', '>', since)
        .orderBy('at')
        .orderBy('id')
        .limit(MAX_CHANGES)
        .execute();
      const object = (v: unknown): boolean => typeof v === 'object' && v !== null;
      const changes: VerdictChange[] = [];
      for (const r of rows) {
        const detail = jsonOr<{ from?: unknown; to?: unknown }>(r.detail, {}, object);
        const cause = jsonOr<{ reason?: unknown; advisories?: unknown }>(r.cause, {}, object);
        if (typeof detail.to !== 'string') continue;
        changes.push({
          digest: r.digest,
          from: typeof detail.from === 'string' ? (detail.from as Verdict) : null,
          to: detail.to as Verdict,
          at: r.at,
          reason: typeof cause.reason === 'string' ? cause.reason : 'unknown',
          ...(Array.isArray(cause.advisories) ? { advisories: cause.advisories.filter((a): a is string => typeof a === 'string') } : {}),
        });
      }
      let next: string;
      if (rows.length === MAX_CHANGES) {
        // A full page: resume just before its last timestamp, so changes sharing it are not skipped (unless the whole page shares it).
        const last = rows[rows.length - 1]!.at;
        next = rows[0]!.at === last ? last : new Date(new Date(last).getTime() - 1).toISOString();
      } else {
        next = new Date(Math.max(new Date(since).getTime(), asked - OVERLAP_MS)).toISOString();
      }
      return { body: { changes, now: next } };
    },
  }),
];

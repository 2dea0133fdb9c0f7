/**
 * Central policies: versions with history, activation and rollback, diffs,
 * dry runs, and the active policy served to enforcement points with a strong
 * ETag so they re-download only when it changed.
 */
import { z } from 'zod';
import type { ConsoleRoute } from '../route.js';
import { ProblemError, route } from '../route.js';
import { actorOf } from '../principal.js';
import { activePolicy } from '../policies/active-policy.js';
import { unifiedDiff } from '../policies/line-diff.js';
import { dryRunPolicy } from '../policies/policy-dry-run.js';
import {
  activatePolicyVersion,
  createPolicyVersion,
  getPolicyVersion,
  listPolicyNames,
  listPolicyVersions,
  rollbackPolicy,
} from '../policies/policy-versions.js';

/** Policy files are limited to 1 MiB (as `policy lint` limits them). */
const MAX_POLICY = 1024 * 1024;
const BODY_LIMIT = 2 * MAX_POLICY + 64 * 1024;

const nameParam = z.strictObject({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { error: 'policy name: letters, digits, . _ - (up to 100)' }) });
const versionParam = nameParam.extend({ version: z.coerce.number().int().min(1).max(1_000_000_000) });
const content = z.string().min(1).max(MAX_POLICY, { error: `a policy is at most ${MAX_POLICY} bytes` });
const reason = z.string().trim().min(3, { error: 'say why (reason, at least 3 characters)' }).max(2000);

function etagMatches(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const values = (Array.isArray(header) ? header.join(',') : header).split(',').map((v) => v.trim());
  // Strong comparison for our strong tag; a weak form of the same tag also means "unchanged" to a cache.
  return values.some((v) => v === '*' || v === etag || v === `W/${etag}`);
}

export const policyRoutes: readonly ConsoleRoute[] = [
  route({
    method: 'GET',
    url: '/api/v1/policies/active',
    summary: 'The active policy as YAML (stored exceptions merged); ETag = its sha256, If-None-Match gives 304',
    tag: 'policies',
    access: ['defender', 'secops', 'auditor', 'developer', 'ci'],
    async handler(request, ctx) {
      const active = await activePolicy(ctx);
      const etag = `"${active.hash}"`;
      const headers = { etag, 'cache-control': 'no-cache', 'x-bulkhead-policy': `${active.name}@${active.version}` };
      if (etagMatches(request.headers['if-none-match'], etag)) return { status: 304, headers };
      return { status: 200, headers: { ...headers, 'content-type': 'application/yaml; charset=utf-8' }, body: active.text };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/policies',
    summary: 'Policy sets with their version counts, and what is active now',
    tag: 'policies',
    access: ['secops', 'auditor'],
    async handler(_request, ctx) {
      const [names, active] = await Promise.all([listPolicyNames(ctx), activePolicy(ctx)]);
      return {
        body: {
          active: { name: active.name, version: active.version, hash: active.hash, source: active.source, exceptions: active.exceptions },
          policies: names,
        },
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/policies/dry-run',
    summary: 'What a candidate policy would block or warn on in the current inventory, compared with the current verdicts',
    tag: 'policies',
    access: ['secops', 'auditor'],
    bodyLimit: BODY_LIMIT,
    body: z.strictObject({ content, limit: z.number().int().min(1).max(10_000).optional() }),
    async handler(request, ctx) {
      return { body: await dryRunPolicy(ctx, request.body.content, request.body.limit !== undefined ? { limit: request.body.limit } : {}) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/policies/rollback',
    summary: 'Activate the policy version that was active before the current one',
    tag: 'policies',
    access: ['secops'],
    body: z.strictObject({ reason }),
    async handler(request, ctx) {
      return { body: await rollbackPolicy(ctx, { reason: request.body.reason, actor: actorOf(request.principal) }) };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/policies/:name/versions',
    summary: 'Every version of a policy set, newest first (who, when, why)',
    tag: 'policies',
    access: ['secops', 'auditor'],
    params: nameParam,
    async handler(request, ctx) {
      const versions = await listPolicyVersions(ctx, request.params.name);
      if (versions.length === 0) throw new ProblemError(404, 'Not found', `no policy named ${request.params.name}`);
      return { body: { name: request.params.name, versions } };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/policies/:name/versions',
    summary: 'Store a new version of a policy set (validated; 400 lists every problem with its line); optionally activate it',
    tag: 'policies',
    access: ['secops'],
    bodyLimit: BODY_LIMIT,
    params: nameParam,
    body: z.strictObject({ content, reason, activate: z.boolean().default(false) }),
    async handler(request, ctx) {
      const created = await createPolicyVersion(ctx, {
        name: request.params.name,
        content: request.body.content,
        reason: request.body.reason,
        author: actorOf(request.principal),
        activate: request.body.activate,
      });
      return { status: 201, headers: { location: `/api/v1/policies/${created.name}/versions/${created.version}` }, body: created };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/policies/:name/versions/:version',
    summary: 'One version with its YAML content',
    tag: 'policies',
    access: ['secops', 'auditor'],
    params: versionParam,
    async handler(request, ctx) {
      return { body: await getPolicyVersion(ctx, request.params.name, request.params.version) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/policies/:name/versions/:version/activate',
    summary: 'Make this version the active policy (also a rollback to any earlier version); stored images are re-evaluated',
    tag: 'policies',
    access: ['secops'],
    params: versionParam,
    body: z.strictObject({ reason }),
    async handler(request, ctx) {
      return { body: await activatePolicyVersion(ctx, { name: request.params.name, version: request.params.version, reason: request.body.reason, actor: actorOf(request.principal) }) };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/policies/:name/diff',
    summary: 'Unified line diff between two versions of a policy set',
    tag: 'policies',
    access: ['secops', 'auditor'],
    params: nameParam,
    query: z.strictObject({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }),
    async handler(request, ctx) {
      const { name } = request.params;
      const [a, b] = await Promise.all([getPolicyVersion(ctx, name, request.query.from), getPolicyVersion(ctx, name, request.query.to)]);
      return { body: { name, from: a.version, to: b.version, diff: unifiedDiff(a.content, b.content, { from: `${name}@${a.version}`, to: `${name}@${b.version}` }) } };
    },
  }),
];

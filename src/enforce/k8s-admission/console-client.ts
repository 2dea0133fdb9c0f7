/**
 * The webhook's side of the console API (role `defender`, see
 * domain/enforcement.ts): the active policy with ETags, image verdicts by
 * digest, scan requests for unknown images, verdict changes since a time,
 * and decisions for the audit log. Every answer is bounded in size and time
 * and validated with zod before use.
 */
import { z } from 'zod';
import type { EnforcementDecision, ImageVerdict, VerdictChange } from '../../domain/enforcement.js';
import type { Decision } from '../../domain/decision.js';
import type { PolicySource } from '../../policy/compile-policy.js';

export interface ConsoleClientOptions {
  /** Base URL, e.g. https://bulkhead.example.com */
  readonly url: string;
  readonly token: string;
  readonly timeoutMs?: number;
}

export type PolicyFetch = { readonly status: 'unchanged' } | { readonly status: 'changed'; readonly etag?: string; readonly sources: readonly PolicySource[] };

export interface ConsoleClient {
  fetchPolicy(etag: string | undefined): Promise<PolicyFetch>;
  /** undefined when the console never evaluated that digest (404). */
  imageVerdict(digest: string, timeoutMs?: number): Promise<ImageVerdict | undefined>;
  requestScan(target: string, timeoutMs?: number): Promise<void>;
  verdictChanges(since: string): Promise<{ readonly changes: readonly VerdictChange[]; readonly now: string }>;
  reportDecisions(decisions: readonly EnforcementDecision[]): Promise<void>;
}

export class ConsoleError extends Error {}

const MAX_BODY_BYTES = 8 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;

const verdictSchema = z.enum(['allow', 'warn', 'block']);
const violationSchema = z.object({
  ruleId: z.string(),
  effect: z.enum(['alert', 'block']),
  severity: z.string(),
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  remediation: z.string().optional(),
});
const decisionSchema = z.object({
  verdict: verdictSchema,
  violations: z.array(violationSchema).max(100_000),
  exceptionsApplied: z.array(z.unknown()).default([]),
  basis: z.object({ policyName: z.string(), policyVersion: z.string(), policyHash: z.string() }).passthrough(),
  evaluatedAt: z.string(),
});
const imageVerdictSchema = z.object({ digest: z.string(), verdict: verdictSchema, decision: decisionSchema, evaluatedAt: z.string() });
const changesSchema = z.object({
  changes: z.array(z.object({ digest: z.string(), from: verdictSchema.nullable(), to: verdictSchema, at: z.string(), reason: z.string(), advisories: z.array(z.string()).optional() })).max(100_000),
  now: z.string(),
});
const policyFilesSchema = z.object({ files: z.array(z.object({ file: z.string(), text: z.string() })).min(1) });

async function readBounded(response: Response, what: string): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw new ConsoleError(`${what}: ${length} bytes is over the ${MAX_BODY_BYTES}-byte limit`);
  const chunks: Buffer[] = [];
  let total = 0;
  if (response.body) {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > MAX_BODY_BYTES) throw new ConsoleError(`${what}: the answer is over the ${MAX_BODY_BYTES}-byte limit`);
      chunks.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function parseJson<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ConsoleError(`${what}: the console answered with something that is not JSON`);
  }
  const parsed = schema.safeParse(doc);
  if (!parsed.success) throw new ConsoleError(`${what}: unexpected answer: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export function createConsoleClient(options: ConsoleClientOptions): ConsoleClient {
  const base = options.url.replace(/\/+$/, '');
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function call(method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Response> {
    const what = `${method} ${path}`;
    try {
      return await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(init.timeoutMs ?? defaultTimeout),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new ConsoleError(`${what}: console unreachable (${cause ?? (error as Error).name})`, { cause: error });
    }
  }

  async function failed(response: Response, what: string): Promise<ConsoleError> {
    const text = await readBounded(response, what).catch(() => '');
    let detail = '';
    try {
      const problem = JSON.parse(text) as { detail?: unknown; title?: unknown };
      detail = typeof problem.detail === 'string' ? problem.detail : typeof problem.title === 'string' ? problem.title : '';
    } catch {
      detail = '';
    }
    return new ConsoleError(`${what}: console answered ${response.status}${detail ? `: ${detail.slice(0, 200)}` : ''}`);
  }

  return {
    async fetchPolicy(etag) {
      const what = 'GET /api/v1/policies/active';
      const response = await call('GET', '/api/v1/policies/active', { headers: { accept: 'application/yaml, application/json;q=0.9, text/plain;q=0.8', ...(etag ? { 'if-none-match': etag } : {}) } });
      if (response.status === 304) {
        await response.body?.cancel();
        return { status: 'unchanged' };
      }
      if (!response.ok) throw await failed(response, what);
      const text = await readBounded(response, what);
      const newEtag = response.headers.get('etag') ?? undefined;
      const type = response.headers.get('content-type') ?? '';
      // The console may send one YAML document or, as JSON, the policy's files.
      const sources = type.includes('json') ? parseJson(policyFilesSchema, text, what).files : [{ file: 'console-policy.yaml', text }];
      return { status: 'changed', ...(newEtag ? { etag: newEtag } : {}), sources };
    },
    async imageVerdict(digest, timeoutMs) {
      const path = `/api/v1/images/${encodeURIComponent(digest)}/verdict`;
      const response = await call('GET', path, { ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) throw await failed(response, `GET ${path}`);
      const verdict = parseJson(imageVerdictSchema, await readBounded(response, `GET ${path}`), `GET ${path}`);
      return { ...verdict, decision: verdict.decision as unknown as Decision };
    },
    async requestScan(target, timeoutMs) {
      const response = await call('POST', '/api/v1/scans', { body: { target }, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      if (!response.ok) throw await failed(response, 'POST /api/v1/scans');
      await response.body?.cancel();
    },
    async verdictChanges(since) {
      const path = `/api/v1/enforcement/verdicts?since=${encodeURIComponent(since)}`;
      const response = await call('GET', path);
      if (!response.ok) throw await failed(response, `GET ${path}`);
      return parseJson(changesSchema, await readBounded(response, `GET ${path}`), `GET ${path}`);
    },
    async reportDecisions(decisions) {
      const response = await call('POST', '/api/v1/enforcement/decisions', { body: { decisions } });
      if (!response.ok) throw await failed(response, 'POST /api/v1/enforcement/decisions');
      await response.body?.cancel();
    },
  };
}

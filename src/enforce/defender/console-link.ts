/**
 * Connected mode: the defender's HTTP link to the console (endpoints in
 * domain/enforcement.ts). The active policy is fetched with its ETag and
 * kept in the local cache file; image verdicts are asked by manifest digest;
 * decisions are sent in batches and retried; the host and its containers are
 * reported; verdict changes are polled. The console being down never blocks
 * a decision: the last policy and verdicts stay in force.
 */
import { z } from 'zod';
import type { Decision } from '../../domain/decision.js';
import type { Finding } from '../../domain/finding.js';
import type { Inventory } from '../../domain/inventory.js';
import type { SubjectFile } from '../../domain/subject.js';
import type { EnforcementDecision, ReportedContainer } from '../../domain/enforcement.js';
import { compilePolicy, type PolicySet } from '../../policy/index.js';
import type { LoggedDecision } from './decision-log.js';
import type { DefenderConfig } from './defender-config.js';
import { describeError } from './describe-error.js';
import type { CachedPolicy } from './verdict-cache-file.js';
import type { HostAuditReport } from '../../host/index.js';

const MAX_QUEUE = 10_000;
const BATCH = 200;
const MAX_BODY = 16 * 1024 * 1024;

const violationSchema = z.looseObject({
  ruleId: z.string(),
  effect: z.enum(['block', 'alert']),
  severity: z.string(),
  message: z.string(),
  evidence: z.looseObject({}),
  remediation: z.string().optional(),
});
const decisionSchema = z.looseObject({
  verdict: z.enum(['allow', 'warn', 'block']),
  violations: z.array(violationSchema).max(100_000),
  exceptionsApplied: z.array(z.unknown()).optional().default([]),
  basis: z.looseObject({ policyName: z.string().optional(), policyVersion: z.string().optional(), policyHash: z.string().optional() }),
  evaluatedAt: z.string(),
});
const imageVerdictSchema = z.looseObject({ digest: z.string(), verdict: z.enum(['allow', 'warn', 'block']), decision: decisionSchema });
const changesSchema = z.object({ changes: z.array(z.looseObject({ digest: z.string(), to: z.enum(['allow', 'warn', 'block']) })).max(100_000), now: z.string() });

export interface ConsoleLinkOptions {
  readonly config: DefenderConfig;
  readonly console: { readonly url: string; readonly token: string };
  readonly cached: CachedPolicy | undefined;
  readonly log: (line: string) => void;
  readonly onPolicyChange: (p: PolicySet) => void;
  /** A digest's new decision, or undefined when the console no longer has one. */
  readonly onVerdictChange: (digest: string, decision: Decision | undefined) => void;
  readonly onCachedPolicy: () => void;
  readonly containers: () => ReportedContainer[];
  readonly pollMs?: number;
}

/** An on-the-spot scan, as the console's scan intake takes it (POST /api/v1/scans, schema 'bulkhead.assessment/v1'). */
export interface ScanUpload {
  readonly inventory: Inventory;
  readonly checkFindings: readonly Finding[];
  readonly files: Readonly<Record<string, SubjectFile>>;
  /** How the image is referred to on this host. */
  readonly reference: string;
  /** The digest the console tracks the image by: its manifest digest, else its image ID. */
  readonly digest: string;
}

export interface ConsoleLink {
  policy(): PolicySet;
  /** Hands a scan to the console, which matches, decides and from then on re-evaluates it; answers with its decision. */
  uploadScan(scan: ScanUpload): Promise<Decision | undefined>;
  cachedPolicy(): CachedPolicy | undefined;
  imageDecision(digest: string): Promise<Decision | undefined>;
  report(decision: LoggedDecision): void;
  /** Sends what is queued now (tests, shutdown). */
  flush(): Promise<void>;
  /** Reports the host and its containers within a second (several calls make one report). */
  reportHostSoon(): void;
  /** Sends the host's CIS audit (the console keeps its score and alerts on drift). */
  reportHostAudit(report: HostAuditReport): Promise<void>;
  close(): Promise<void>;
}

/** The wire shape, within the console's bounds (100 reasons of 4 KiB, 100 rules): a blocked image can have thousands of findings. */
function wireDecision(d: LoggedDecision): EnforcementDecision {
  const { fallback: _fallback, ...wire } = d;
  const reasons = wire.reasons.length > 100 ? [...wire.reasons.slice(0, 99), `… and ${wire.reasons.length - 99} more (decision ${d.id} in the host's log)`] : wire.reasons;
  return {
    ...wire,
    id: wire.id.slice(0, 128),
    source: wire.source.slice(0, 255),
    action: wire.action.slice(0, 128),
    ...(wire.user !== undefined ? { user: wire.user.slice(0, 512) } : {}),
    ...(wire.image ? { image: { reference: wire.image.reference.slice(0, 1024), ...(wire.image.digest && /^sha256:[a-f0-9]{64}$/.test(wire.image.digest) ? { digest: wire.image.digest } : {}) } } : {}),
    reasons: reasons.map((r) => r.slice(0, 4096)),
    rules: wire.rules.slice(0, 100),
  };
}

export async function startConsoleLink(options: ConsoleLinkOptions): Promise<ConsoleLink> {
  const base = options.console.url.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${options.console.token}` };
  const pollMs = options.pollMs ?? 5000;
  const { log, config } = options;

  const call = async (method: string, pathname: string, body?: unknown, extra: Record<string, string> = {}, timeoutMs = 5000): Promise<{ status: number; text: string; etag: string | null }> => {
    const res = await fetch(`${base}${pathname}`, {
      method,
      headers: { ...headers, ...extra, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (text.length > MAX_BODY) throw new Error(`${method} ${pathname}: answer larger than ${MAX_BODY} bytes`);
    return { status: res.status, text, etag: res.headers.get('etag') };
  };

  let cached = options.cached;
  let policy: PolicySet | undefined;
  if (cached) {
    try {
      policy = compilePolicy([{ file: cached.file, text: cached.text }]);
    } catch (error) {
      log(`the cached console policy does not compile: ${describeError(error)}`);
      cached = undefined;
    }
  }

  const fetchPolicy = async (): Promise<void> => {
    const res = await call('GET', '/api/v1/policies/active', undefined, cached ? { 'if-none-match': cached.etag } : {});
    if (res.status === 304) return;
    if (res.status !== 200) throw new Error(`GET /api/v1/policies/active answered ${res.status}`);
    const next = compilePolicy([{ file: 'console-policy.yaml', text: res.text }]);
    cached = { etag: res.etag ?? next.hash, text: res.text, file: 'console-policy.yaml' };
    options.onCachedPolicy();
    if (policy?.hash !== next.hash) {
      policy = next;
      log(`console policy ${next.name} ${next.version} in force`);
      options.onPolicyChange(next);
    }
  };
  try {
    await fetchPolicy();
  } catch (error) {
    if (!policy) throw new Error(`the console at ${base} gave no policy and none is cached: ${describeError(error)}`, { cause: error });
    log(`console unreachable, the cached policy ${policy.name} ${policy.version} stays in force: ${describeError(error)}`);
  }

  const imageDecision = async (digest: string): Promise<Decision | undefined> => {
    const res = await call('GET', `/api/v1/images/${encodeURIComponent(digest)}/verdict`, undefined, {}, 2000);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`verdict of ${digest}: ${res.status}`);
    return imageVerdictSchema.parse(JSON.parse(res.text)).decision as unknown as Decision;
  };

  const queue: LoggedDecision[] = [];
  let sending: Promise<void> | undefined;
  let failures = 0;
  const flush = (): Promise<void> => {
    sending ??= (async () => {
      while (queue.length > 0) {
        const batch = queue.slice(0, BATCH);
        const res = await call('POST', '/api/v1/enforcement/decisions', { decisions: batch.map(wireDecision) });
        // A batch the console refuses as invalid would be refused forever: log it and move on.
        if (res.status === 400 || res.status === 413 || res.status === 422) {
          log(`the console refused ${batch.length} decision(s) (${res.status}): ${res.text.slice(0, 300)}; they stay in the local log only`);
        } else if (res.status >= 300) {
          throw new Error(`POST /api/v1/enforcement/decisions answered ${res.status}`);
        }
        queue.splice(0, batch.length);
        failures = 0;
      }
    })()
      .catch((error: unknown) => {
        failures++;
        if (failures === 1 || failures % 20 === 0) log(`reporting decisions to the console failed (${queue.length} queued, retrying): ${describeError(error)}`);
      })
      .finally(() => {
        sending = undefined;
      });
    return sending;
  };

  let since = new Date().toISOString();
  const pollVerdicts = async (): Promise<void> => {
    const res = await call('GET', `/api/v1/enforcement/verdicts?since=${encodeURIComponent(since)}`);
    if (res.status !== 200) throw new Error(`GET /api/v1/enforcement/verdicts answered ${res.status}`);
    const parsed = changesSchema.parse(JSON.parse(res.text));
    since = parsed.now;
    for (const change of parsed.changes) {
      options.onVerdictChange(change.digest, await imageDecision(change.digest).catch(() => undefined));
    }
  };
  const reportHost = async (): Promise<void> => {
    const body = { name: config.hostName, ...(config.environment ? { environment: config.environment } : {}), labels: config.labels, info: { defender: 'bulkhead', node: process.version }, containers: options.containers() };
    const res = await call('POST', `/api/v1/hosts/${encodeURIComponent(config.hostName)}/report`, body);
    if (res.status >= 300) throw new Error(`host report answered ${res.status}`);
  };

  const quiet = (what: string) => (error: unknown) => log(`console ${what}: ${describeError(error)}`);
  const timers = [
    setInterval(() => void flush(), 1000),
    setInterval(() => void fetchPolicy().catch(quiet('policy')), pollMs * 2),
    setInterval(() => void pollVerdicts().catch(quiet('verdicts')), pollMs),
    setInterval(() => void reportHost().catch(quiet('host report')), 30_000),
  ];
  for (const t of timers) t.unref();
  setTimeout(() => void reportHost().catch(quiet('host report')), 1000).unref();

  const scanAnswerSchema = z.looseObject({ digest: z.string(), verdict: z.enum(['allow', 'warn', 'block']), decision: decisionSchema });
  const uploadScan = async (scan: ScanUpload): Promise<Decision | undefined> => {
    const body = {
      assessment: { schema: 'bulkhead.assessment/v1', inventory: scan.inventory, checkFindings: scan.checkFindings, files: scan.files },
      reference: scan.reference,
      digest: scan.digest,
      ...(config.environment ? { environment: config.environment } : {}),
    };
    const res = await call('POST', '/api/v1/scans', body, {}, 30_000);
    if (res.status !== 200 && res.status !== 201) throw new Error(`POST /api/v1/scans answered ${res.status}: ${res.text.slice(0, 300)}`);
    return scanAnswerSchema.parse(JSON.parse(res.text)).decision as unknown as Decision;
  };

  let soon: NodeJS.Timeout | undefined;
  const reportHostSoon = (): void => {
    if (soon) return;
    soon = setTimeout(() => {
      soon = undefined;
      void reportHost().catch(quiet('host report'));
    }, 1000);
    soon.unref();
  };

  const reportHostAudit = async (report: HostAuditReport): Promise<void> => {
    const res = await call('POST', `/api/v1/hosts/${encodeURIComponent(config.hostName)}/audit`, report, {}, 30_000);
    if (res.status !== 201) throw new Error(`POST /api/v1/hosts/…/audit answered ${res.status}: ${res.text.slice(0, 300)}`);
  };

  return {
    policy: () => policy as PolicySet,
    uploadScan,
    reportHostSoon,
    reportHostAudit,
    cachedPolicy: () => cached,
    imageDecision,
    report(decision) {
      if (queue.length >= MAX_QUEUE) queue.shift();
      queue.push(decision);
    },
    flush,
    async close() {
      for (const t of timers) clearInterval(t);
      if (soon) clearTimeout(soon);
      await flush();
    },
  };
}

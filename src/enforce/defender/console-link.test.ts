/**
 * The connected mode's client against an HTTP server that speaks the
 * console contract of domain/enforcement.ts (ETag/304, 404 for unknown
 * images, batches of decisions, verdict changes), over real sockets,
 * including the console going away.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../domain/decision.js';
import { startConsoleLink, type ConsoleLink } from './console-link.js';
import type { DefenderConfig } from './defender-config.js';
import type { LoggedDecision } from './decision-log.js';

const POLICY = 'version: 2.0.0\nname: console-policy\nrules:\n  - id: kev\n    description: d\n    effect: block\n    vulnerabilities: {kev: true}\n';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const DECISION: Decision = {
  verdict: 'block',
  violations: [{ ruleId: 'kev', effect: 'block', severity: 'critical', message: 'CVE-2014-0160 in libssl1.0.0', evidence: { advisory: { id: 'CVE-2014-0160', aliases: [] } } }],
  exceptionsApplied: [],
  basis: { policyName: 'console-policy', policyVersion: '2.0.0', policyHash: 'sha256:x' },
  evaluatedAt: '2026-06-01T00:00:00.000Z',
};

const config = { hostName: 'web-1', environment: 'prod', labels: { site: 'fra1' } } as unknown as DefenderConfig;

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  ifNoneMatch: string | undefined;
  body: string;
}

async function consoleServer(behaviour: { failDecisions?: number; changes?: () => unknown[] } = {}) {
  const seen: Seen[] = [];
  let failDecisions = behaviour.failDecisions ?? 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, ifNoneMatch: req.headers['if-none-match'] as string | undefined, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (s.auth !== 'Bearer t0ken') return json(401, { title: 'unauthorized' });
      if (s.url === '/api/v1/policies/active') {
        if (s.ifNoneMatch === '"p1"') {
          res.writeHead(304, { etag: '"p1"' });
          return res.end();
        }
        res.writeHead(200, { etag: '"p1"', 'content-type': 'application/yaml' });
        return res.end(POLICY);
      }
      if (s.url === `/api/v1/images/${encodeURIComponent(DIGEST)}/verdict`) return json(200, { digest: DIGEST, verdict: 'block', decision: DECISION, evaluatedAt: DECISION.evaluatedAt });
      if (s.url.startsWith('/api/v1/images/sha256%3Abad')) return json(200, { digest: 'x', verdict: 'maybe' });
      if (s.url.startsWith('/api/v1/images/')) return json(404, { title: 'not found' });
      if (s.url === '/api/v1/enforcement/decisions') {
        if (failDecisions-- > 0) return json(503, { title: 'unavailable' });
        return json(202, {});
      }
      if (s.url.startsWith('/api/v1/enforcement/verdicts?since=')) return json(200, { changes: behaviour.changes?.() ?? [], now: '2026-06-01T00:00:05.000Z' });
      if (s.url === '/api/v1/hosts/web-1/report') return json(204, {});
      if (s.url === '/api/v1/scans') return json(201, { digest: DIGEST, verdict: 'block', previousVerdict: null, violations: [], decision: DECISION, findings: { total: 1, bySeverity: { critical: 1 }, new: 1, resolved: 0 }, problems: [] });
      return json(404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { seen, url, close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }) };
}

function decision(n: number): LoggedDecision {
  return { id: `d${n}`, at: '2026-06-01T00:00:00.000Z', point: 'docker', source: 'web-1', action: 'container.create', allowed: n % 2 === 0, reasons: [], rules: [] };
}

describe('console link (connected mode)', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });
  const link = async (url: string, extra: Partial<Parameters<typeof startConsoleLink>[0]> = {}): Promise<ConsoleLink> => {
    const l = await startConsoleLink({ config, console: { url, token: 't0ken' }, cached: undefined, log: () => {}, onPolicyChange: () => {}, onVerdictChange: () => {}, onCachedPolicy: () => {}, containers: () => [], pollMs: 50, ...extra });
    open.push(l);
    return l;
  };

  it('fetches the active policy with the token, then revalidates it with its ETag', async () => {
    const server = await consoleServer();
    open.push(server);
    const l = await link(server.url);
    expect(l.policy().name).toBe('console-policy');
    expect(l.cachedPolicy()).toEqual({ etag: '"p1"', text: POLICY, file: 'console-policy.yaml' });
    await new Promise((r) => setTimeout(r, 300));
    const policyCalls = server.seen.filter((s) => s.url === '/api/v1/policies/active');
    expect(policyCalls[0]?.ifNoneMatch).toBeUndefined();
    expect(policyCalls.length).toBeGreaterThan(1);
    expect(policyCalls.slice(1).every((s) => s.ifNoneMatch === '"p1"' && s.auth === 'Bearer t0ken')).toBe(true);
  });

  it('asks image verdicts by digest: a decision, undefined when unknown, an error when malformed', async () => {
    const server = await consoleServer();
    open.push(server);
    const l = await link(server.url);
    expect((await l.imageDecision(DIGEST))?.violations[0]?.ruleId).toBe('kev');
    expect(await l.imageDecision(`sha256:${'b'.repeat(64)}`)).toBeUndefined();
    await expect(l.imageDecision('sha256:bad')).rejects.toThrow();
  });

  it('sends decisions in batches and retries them while the console fails', async () => {
    const server = await consoleServer({ failDecisions: 2 });
    open.push(server);
    const l = await link(server.url);
    for (let i = 0; i < 450; i++) l.report(decision(i));
    await l.flush();
    await l.flush();
    await l.flush();
    const posts = server.seen.filter((s) => s.url === '/api/v1/enforcement/decisions');
    const delivered = posts.slice(2).flatMap((p) => (JSON.parse(p.body) as { decisions: { allowed: boolean; id?: string }[] }).decisions);
    expect(posts.length).toBe(5);
    expect(delivered).toHaveLength(450);
    // The id the user saw in a denial names the same decision in the console's audit log.
    expect(delivered.map((d) => d.id)).toEqual(Array.from({ length: 450 }, (_, i) => `d${i}`));
    expect(delivered.filter((d) => d.allowed)).toHaveLength(225);
  });

  it('keeps decisions within the console\'s bounds and drops a batch it refuses as invalid', async () => {
    const server = await consoleServer({ failDecisions: 0 });
    open.push(server);
    const l = await link(server.url);
    l.report({ ...decision(1), reasons: Array.from({ length: 150 }, (_, i) => `r${i} ${'x'.repeat(5000)}`), rules: Array.from({ length: 120 }, (_, i) => `rule${i}`) });
    await l.flush();
    const sent = JSON.parse(server.seen.filter((s) => s.url === '/api/v1/enforcement/decisions').at(-1)?.body ?? '{}') as { decisions: { reasons: string[]; rules: string[] }[] };
    expect(sent.decisions[0]?.reasons).toHaveLength(100);
    expect(sent.decisions[0]?.reasons.every((r) => r.length <= 4096)).toBe(true);
    expect(sent.decisions[0]?.reasons[99]).toBe('… and 51 more (decision d1 in the host\'s log)');
    expect(sent.decisions[0]?.rules).toHaveLength(100);
  });

  it('uploads an on-the-spot scan as an assessment and returns the console\'s decision', async () => {
    const server = await consoleServer();
    open.push(server);
    const l = await link(server.url);
    const inventory = { schema: 'x', packages: [] } as never;
    const d = await l.uploadScan({ inventory, checkFindings: [], files: {}, reference: 'docker.io/library/app:1', digest: DIGEST });
    expect(d?.verdict).toBe('block');
    const sent = JSON.parse(server.seen.find((s) => s.url === '/api/v1/scans')?.body ?? '{}') as Record<string, unknown>;
    expect(sent).toEqual({ assessment: { schema: 'bulkhead.assessment/v1', inventory, checkFindings: [], files: {} }, reference: 'docker.io/library/app:1', digest: DIGEST, environment: 'prod' });
  });

  it('reports the host and passes verdict changes on with the new decision', async () => {
    const changes: unknown[] = [{ digest: DIGEST, from: 'allow', to: 'block', at: '2026-06-01T00:00:04.000Z', reason: 'advisory-update' }];
    const server = await consoleServer({ changes: () => changes.splice(0) });
    open.push(server);
    const got: [string, Decision | undefined][] = [];
    await link(server.url, { onVerdictChange: (d, dec) => got.push([d, dec]), containers: () => [{ id: 'c1', name: 'web', imageReference: 'x', state: 'running' }] });
    await new Promise((r) => setTimeout(r, 1500));
    expect(got).toHaveLength(1);
    expect(got[0]?.[0]).toBe(DIGEST);
    expect(got[0]?.[1]?.verdict).toBe('block');
    const report = server.seen.find((s) => s.url === '/api/v1/hosts/web-1/report');
    expect(JSON.parse(report?.body ?? '{}')).toMatchObject({ name: 'web-1', environment: 'prod', labels: { site: 'fra1' }, containers: [{ id: 'c1', name: 'web' }] });
    const since = server.seen.filter((s) => s.url.startsWith('/api/v1/enforcement/verdicts')).map((s) => s.url);
    expect(since.at(-1)).toBe(`/api/v1/enforcement/verdicts?since=${encodeURIComponent('2026-06-01T00:00:05.000Z')}`);
  });

  it('keeps the cached policy in force when the console is down, and refuses to start with neither', async () => {
    const server = await consoleServer();
    const first = await link(server.url);
    const cached = first.cachedPolicy();
    await server.close();
    const offline = await link(server.url, { cached });
    expect(offline.policy().name).toBe('console-policy');
    offline.report(decision(1));
    await offline.flush();
    await expect(link(server.url)).rejects.toThrow(/gave no policy and none is cached/);
  });
});

// Connected mode against the real console (test/support/console-fixture.ts:
// the full server on SQLite with its job workers), the webhook over real
// HTTPS, images in a real docker-registry. The console scans images the
// webhook asks about, flips verdicts when advisories arrive, serves the
// policy with ETags and records the webhook's decisions in its audit log.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest, makeCertificates, startAdmissionRegistry, type AdmissionRegistry, type TestCertificates } from '../../../test/support/admission-fixtures.js';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { registerJobHandlers } from '../../console/jobs/register-job-handlers.js';
import { admissionConfigSchema, type AdmissionConfig } from './admission-config.js';
import type { AdmissionReviewResponse } from './admission-review.js';
import { startAdmissionServer, type AdmissionServer } from './admission-server.js';
import { createConnectedAssessor, type ConnectedAssessor } from './connected-assessor.js';
import { createConsoleClient, type ConsoleClient } from './console-client.js';
import { createDecisionReporter, type DecisionReporter } from './decision-reporter.js';
import { createImageResolver } from './image-resolver.js';
import { createConsolePolicyProvider, type PolicyProvider } from './policy-provider.js';

const TESTDATA = new URL('./testdata/', import.meta.url).pathname;
const DEMO_ADVISORIES = new URL('../../../examples/demo/advisories/', import.meta.url).pathname;
const upload = (file: string): Promise<{ name: string; contentBase64: string }> =>
  readFile(path.join(DEMO_ADVISORIES, file)).then((data) => ({ name: path.basename(file), contentBase64: data.toString('base64') }));

let work: string;
let certs: TestCertificates;
let images: AdmissionRegistry;
let console_: TestConsole;
let client: ConsoleClient;
let policy: PolicyProvider;
let assessor: ConnectedAssessor;
let reporter: DecisionReporter;
let server: AdmissionServer;
let config: AdmissionConfig;
const errors: string[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are edited at arbitrary depth
async function fixture(name: string): Promise<Record<string, any>> {
  return JSON.parse((await readFile(path.join(TESTDATA, name), 'utf8')).replaceAll('registry.test:5000', images.registry.host)) as Record<string, never>;
}

async function review(doc: unknown, target = server): Promise<AdmissionReviewResponse> {
  const answer = await httpsRequest(`${target.url}/validate`, certs.ca, { body: JSON.stringify(doc) });
  expect(answer.status).toBe(200);
  return answer.json<AdmissionReviewResponse>();
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-admission-connected-'));
  certs = await makeCertificates(path.join(work, 'certs'));
  images = await startAdmissionRegistry(work);
  console_ = await startTestConsole({ dialect: 'sqlite', config: { workers: true } });
  // The fixture's console runs the job queue but registers no handlers: add the real ones (scans, re-evaluations).
  registerJobHandlers(console_.ctx);
  expect((await console_.request('POST', '/api/v1/registries', { role: 'secops', body: { name: 'local', url: `http://${images.registry.host}`, intervalMinutes: 0 } })).status).toBe(201);
  const created = await console_.request('POST', '/api/v1/policies/admission-test/versions', { role: 'secops', body: { content: await readFile(path.join(TESTDATA, 'policy.yaml'), 'utf8'), reason: 'admission tests', activate: true } });
  expect(created.status).toBe(201);

  config = admissionConfigSchema.parse({ cluster: 'test-cluster', environments: [{ namespaces: ['*-prod'], environment: 'prod' }], insecureRegistries: [images.registry.host], budgetMs: 15_000 });
  client = createConsoleClient({ url: console_.baseUrl, token: await console_.tokenFor('defender') });
  policy = await createConsolePolicyProvider({ client, cacheFile: path.join(work, 'cache/policy.json'), intervalMs: 60_000, onError: (m) => errors.push(m) });
  const resolver = createImageResolver({ insecureRegistries: config.insecureRegistries, tagTtlMs: 60_000 });
  assessor = createConnectedAssessor({ client, resolver, verdictTtlMs: 3_600_000, changesIntervalMs: 200, scanPollMs: 100, onError: (m) => errors.push(m) });
  reporter = createDecisionReporter(client, { intervalMs: 60_000, onError: (m) => errors.push(m) });
  server = await startAdmissionServer({
    host: '127.0.0.1',
    port: 0,
    certFile: certs.certFile,
    keyFile: certs.keyFile,
    context: { config, policy: () => policy.current(), assessor },
    onDecisions: (d) => reporter.add(d),
  });
}, 180_000);

afterAll(async () => {
  await server?.close();
  assessor?.close();
  policy?.close();
  await console_?.close();
  await images?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('connected to the console', () => {
  it('loads the active policy from the console', () => {
    expect(policy.current()?.name).toBe('admission-test');
  });

  it('has the console scan an image it never saw, and decides with its verdict (no advisory data yet: allowed)', async () => {
    const answer = await review(await fixture('pod-vulnerable.json'));
    expect(answer.response.allowed).toBe(true);
    expect(answer.response.auditAnnotations?.verdict).toBe('allow');
    const verdict = await console_.request('GET', `/api/v1/images/${images.vulnerableDigest}/verdict`, { role: 'defender' });
    expect(verdict.status).toBe(200);
    expect(verdict.json.verdict).toBe('allow');
  });

  it('denies the image within seconds of a Heartbleed advisory arriving in the console', async () => {
    const imported = await console_.request('POST', '/api/v1/advisories/import', { role: 'secops', body: { files: [await upload('osv/CVE-2014-0160.json')] } });
    expect(imported.status).toBe(200);
    const started = Date.now();
    let answer = await review(await fixture('pod-vulnerable.json'));
    while (answer.response.allowed && Date.now() - started < 10_000) {
      await new Promise((r) => setTimeout(r, 200));
      answer = await review(await fixture('pod-vulnerable.json'));
    }
    expect(answer.response.allowed).toBe(false);
    expect(answer.response.status?.message).toContain('[vuln-heartbleed]');
    expect(answer.response.status?.message).toContain('CVE-2014-0160');
  });

  it('evaluates run settings locally beside the console verdict', async () => {
    const message = (await review(await fixture('pod-privileged.json'))).response.status?.message ?? '';
    expect(message).toContain('[no-privileged]');
    expect(message).toContain('[no-docker-socket]');
  });

  it("sends its decisions to the console's audit log, with the decision id", async () => {
    const answer = await review(await fixture('pod-clean.json'));
    const id = answer.response.auditAnnotations?.['decision-id'] as string;
    await reporter.flush();
    const audit = await console_.request('GET', '/api/v1/audit?action=enforcement.decision&limit=50', { role: 'auditor' });
    expect(audit.status).toBe(200);
    const entry = (audit.json.items as { detail: { id: string; point: string; source: string; allowed: boolean; image: { digest: string } } }[]).find((e) => e.detail.id === id);
    expect(entry?.detail).toMatchObject({ point: 'kubernetes', source: 'test-cluster', allowed: true, image: { digest: images.cleanDigest } });
  });

  it('follows a policy change (ETag: unchanged policies are not downloaded again)', async () => {
    const before = policy.current();
    await policy.refresh();
    expect(policy.current()).toBe(before);
    const text = `${await readFile(path.join(TESTDATA, 'policy.yaml'), 'utf8')}\n  - id: read-only-everywhere\n    description: read-only root filesystems in every environment\n    effect: block\n    deploy:\n      requireReadOnlyRootfs: true\n`;
    expect((await console_.request('POST', '/api/v1/policies/admission-test/versions', { role: 'secops', body: { content: text.replace('version: 2.1.0', 'version: 2.2.0'), reason: 'stricter', activate: true } })).status).toBe(201);
    await policy.refresh();
    expect(policy.current()?.version).toBe('2.2.0');
    const doc = await fixture('pod-prod-writable.json');
    doc.request.namespace = 'shop';
    const answer = await review(doc);
    expect(answer.response.allowed).toBe(false);
    expect(answer.response.status?.message).toContain('[read-only-everywhere]');
  });

  it('keeps deciding with the cached policy and cached verdicts when the console is down', async () => {
    // The policy change re-evaluates the stored image and the change poll evicts its verdict. Take the poll
    // into the test's hands, wait until the console decided under the new policy, consume its changes, then warm up.
    assessor.close();
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      const verdict = await console_.request('GET', `/api/v1/images/${images.vulnerableDigest}/verdict`, { role: 'defender' });
      if (verdict.status === 200 && verdict.json.decision.basis.policyVersion === '2.2.0') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await assessor.pollChanges();
    expect((await review(await fixture('pod-vulnerable.json'))).response.status?.message).toContain('CVE-2014-0160');
    await console_.close();
    const offline = await createConsolePolicyProvider({ client, cacheFile: path.join(work, 'cache/policy.json'), intervalMs: 60_000, onError: (m) => errors.push(m) });
    expect(offline.current()?.version).toBe('2.2.0');
    expect(errors.some((e) => e.includes('console unreachable'))).toBe(true);
    offline.close();
    // Cached verdict: still denied for Heartbleed.
    expect((await review(await fixture('pod-vulnerable.json'))).response.status?.message).toContain('CVE-2014-0160');
    // Never seen: the default verdict, with the console's error as the reason.
    const doc = await fixture('pod-clean.json');
    doc.request.object.spec.containers[0].image = `${images.registry.host}/demo/heartbleed@${images.cleanDigest}`;
    const unknown = await review(doc);
    expect(unknown.response.allowed).toBe(false);
    expect(unknown.response.status?.message).toMatch(/console unreachable.*default verdict .* is block/s);
  });
});

// The webhook over real HTTPS on 127.0.0.1 (certificates from make-certs.sh,
// i.e. the openssl CLI), deciding in standalone mode: images in a real
// docker-registry (copied in by skopeo), scanned on the spot against the
// demo advisory snapshot. Reviews are shaped like the API server's (testdata/).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAdvisoryDatabase, httpsRequest, makeCertificates, startAdmissionRegistry, type AdmissionRegistry, type TestCertificates } from '../../../test/support/admission-fixtures.js';
import { loadPolicySet } from '../../policy/load-policy.js';
import type { PolicySet } from '../../policy/policy-set.js';
import { admissionConfigSchema, type AdmissionConfig } from './admission-config.js';
import type { AdmissionReviewResponse } from './admission-review.js';
import { startAdmissionServer, MAX_REVIEW_BYTES, type AdmissionServer } from './admission-server.js';
import type { AdmissionRecord } from './admit.js';
import { createImageResolver } from './image-resolver.js';
import { createStandaloneAssessor } from './standalone-assessor.js';

const TESTDATA = new URL('./testdata/', import.meta.url).pathname;
// Tests edit fixture documents at arbitrary depth, as a hostile or buggy API client would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ReviewDoc = Record<string, any>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let work: string;
let certs: TestCertificates;
let images: AdmissionRegistry;
let policy: PolicySet;
let db: string;
const servers: AdmissionServer[] = [];
let server: AdmissionServer;
const records: AdmissionRecord[] = [];

function configOf(overrides: Partial<AdmissionConfig> = {}): AdmissionConfig {
  return admissionConfigSchema.parse({
    environments: [{ namespaces: ['*-prod'], environment: 'prod' }],
    defaultEnvironment: 'dev',
    insecureRegistries: [images.registry.host],
    ...overrides,
  });
}

async function start(config: AdmissionConfig, mutate = false): Promise<AdmissionServer> {
  const resolver = createImageResolver({ insecureRegistries: config.insecureRegistries, tagTtlMs: 60_000 });
  const assessor = createStandaloneAssessor({ policy: () => policy, db, resolver, insecureRegistries: config.insecureRegistries, verdictTtlMs: 3_600_000 });
  const s = await startAdmissionServer({
    host: '127.0.0.1',
    port: 0,
    certFile: certs.certFile,
    keyFile: certs.keyFile,
    context: { config, policy: () => policy, assessor },
    mutate,
    log: (_level, _message, fields) => {
      if (fields && 'decisionId' in fields) records.push(fields as unknown as AdmissionRecord);
    },
    certificatePollMs: 500,
  });
  servers.push(s);
  return s;
}

async function fixture(name: string): Promise<ReviewDoc> {
  return JSON.parse((await readFile(path.join(TESTDATA, name), 'utf8')).replaceAll('registry.test:5000', images.registry.host)) as ReviewDoc;
}

async function review(doc: unknown, target = server, route = '/validate'): Promise<AdmissionReviewResponse> {
  const answer = await httpsRequest(`${target.url}${route}?timeout=10s`, certs.ca, { body: JSON.stringify(doc) });
  expect(answer.status).toBe(200);
  expect(answer.headers['content-type']).toBe('application/json');
  return answer.json<AdmissionReviewResponse>();
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-admission-'));
  certs = await makeCertificates(path.join(work, 'certs'));
  images = await startAdmissionRegistry(work);
  policy = await loadPolicySet(path.join(TESTDATA, 'policy.yaml'));
  db = demoAdvisoryDatabase(path.join(work, 'advisories.db'));
  server = await start(configOf(), true);
}, 180_000);

afterAll(async () => {
  for (const s of servers) await s.close();
  await images?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('decisions', () => {
  it('admits a hardened pod with a clean image, echoing the uid, with the decision id in the audit annotations', async () => {
    const doc = await fixture('pod-clean.json');
    const answer = await review(doc);
    expect(answer.apiVersion).toBe('admission.k8s.io/v1');
    expect(answer.kind).toBe('AdmissionReview');
    expect(answer.response.uid).toBe(doc.request.uid);
    expect(answer.response.allowed).toBe(true);
    expect(answer.response.status).toBeUndefined();
    expect(answer.response.warnings).toBeUndefined();
    expect(answer.response.auditAnnotations?.['decision-id']).toMatch(UUID);
    expect(answer.response.auditAnnotations?.verdict).toBe('allow');
    expect(answer.response.auditAnnotations?.policy).toBe('admission-test@2.1.0');
    const record = records.find((r) => r.decisionId === answer.response.auditAnnotations?.['decision-id']);
    expect(record?.containers[0]?.digest).toBe(images.cleanDigest);
  });

  it('denies the Heartbleed image with the rule, the advisory and the fix in status.message', async () => {
    const answer = await review(await fixture('pod-vulnerable.json'));
    expect(answer.response.allowed).toBe(false);
    expect(answer.response.status?.code).toBe(403);
    const message = answer.response.status?.message ?? '';
    expect(message).toContain('container legacy');
    expect(message).toContain('[vuln-heartbleed]');
    expect(message).toContain('CVE-2014-0160');
    expect(message).toContain('openssl');
    expect(message).toContain(answer.response.auditAnnotations?.['decision-id']);
    expect(answer.response.auditAnnotations?.verdict).toBe('block');
  });

  it('turns alert rules into admission warnings and admits', async () => {
    const answer = await review(await fixture('pod-no-limits.json'));
    expect(answer.response.allowed).toBe(true);
    expect(answer.response.auditAnnotations?.verdict).toBe('warn');
    expect([...(answer.response.warnings ?? [])].sort()).toEqual(['bulkhead: container loose: [limits] no cpus limit is set (fix: set a cpus limit (--cpus))', 'bulkhead: container loose: [limits] no memory limit is set (fix: set a memory limit (--memory))']);
  });

  it('denies privileged init containers, host networking and the Docker socket mount', async () => {
    const message = (await review(await fixture('pod-privileged.json'))).response.status?.message ?? '';
    expect(message).toContain('init container setup');
    expect(message).toContain('[no-privileged] the container runs privileged');
    expect(message).toContain('[no-host-namespaces]');
    expect(message).toContain('[no-docker-socket] host path /var/run/docker.sock is mounted at /var/run/docker.sock');
  });

  it('evaluates ephemeral containers added by kubectl debug', async () => {
    const answer = await review(await fixture('pod-ephemeral-debug.json'));
    expect(answer.response.allowed).toBe(false);
    expect(answer.response.status?.message).toContain('ephemeral container debugger-x7k2');
  });

  it.each(['deployment', 'replicaset', 'statefulset', 'daemonset', 'job', 'cronjob'])('finds the pod template of a %s', async (kind) => {
    const doc = await fixture(`${kind}.json`);
    const answer = await review(doc);
    expect(answer.response.uid).toBe(doc.request.uid);
    expect(answer.response.allowed).toBe(false);
    const message = answer.response.status?.message ?? '';
    expect(message).toContain(`blocks ${doc.request.kind.kind} shop-api`);
    expect(message).toContain('container sidecar');
    expect(message).not.toContain('container api ');
  });

  it('scopes rules by the namespace environment', async () => {
    const prod = await fixture('pod-prod-writable.json');
    const denied = await review(prod);
    expect(denied.response.allowed).toBe(false);
    expect(denied.response.status?.message).toContain('[read-only-rootfs-prod]');
    const dev = await fixture('pod-prod-writable.json');
    dev.request.namespace = 'shop';
    dev.request.object.metadata.namespace = 'shop';
    expect((await review(dev)).response.allowed).toBe(true);
  });

  it('admits DELETE and excluded namespaces without evaluating them', async () => {
    const deleted = await review(await fixture('pod-delete.json'));
    expect(deleted.response.allowed).toBe(true);
    expect(deleted.response.auditAnnotations?.note).toBe('DELETE is not evaluated');
    const system = await review(await fixture('pod-kube-system.json'));
    expect(system.response.allowed).toBe(true);
    expect(system.response.auditAnnotations?.note).toBe('namespace kube-system is excluded');
  });

  it('answers a v1beta1 review in v1beta1', async () => {
    const doc = await fixture('pod-clean.json');
    doc.apiVersion = 'admission.k8s.io/v1beta1';
    const answer = await review(doc);
    expect(answer.apiVersion).toBe('admission.k8s.io/v1beta1');
    expect(answer.response.allowed).toBe(true);
  });
});

describe('mutating mode', () => {
  it('pins the tag to the digest skopeo sees in the registry', async () => {
    const answer = await review(await fixture('pod-clean.json'), server, '/mutate');
    expect(answer.response.allowed).toBe(true);
    expect(answer.response.patchType).toBe('JSONPatch');
    const patch = JSON.parse(Buffer.from(answer.response.patch ?? '', 'base64').toString('utf8')) as unknown;
    expect(patch).toEqual([{ op: 'replace', path: '/spec/containers/0/image', value: `${images.clean}@${images.cleanDigest}` }]);
  });

  it('pins every container of a controller template and leaves pinned images alone', async () => {
    const doc = await fixture('deployment.json');
    doc.request.object.spec.template.spec.containers[1].image = `${images.clean}@${images.cleanDigest}`;
    const answer = await review(doc, server, '/mutate');
    const patch = JSON.parse(Buffer.from(answer.response.patch ?? '', 'base64').toString('utf8')) as unknown;
    expect(patch).toEqual([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: `${images.clean}@${images.cleanDigest}` }]);
  });

  it('sends no patch with a denial', async () => {
    const answer = await review(await fixture('pod-vulnerable.json'), server, '/mutate');
    expect(answer.response.allowed).toBe(false);
    expect(answer.response.patch).toBeUndefined();
  });

  it('has no /mutate route unless mutating mode is on', async () => {
    const plain = await start(configOf());
    const answer = await httpsRequest(`${plain.url}/mutate`, certs.ca, { body: JSON.stringify(await fixture('pod-clean.json')) });
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/problem+json');
  });
});

describe('images that cannot be assessed', () => {
  it('applies the default verdict block with the reason', async () => {
    const doc = await fixture('pod-clean.json');
    doc.request.object.spec.containers[0].image = `${images.registry.host}/shop/missing:1`;
    const answer = await review(doc);
    expect(answer.response.allowed).toBe(false);
    expect(answer.response.status?.message).toMatch(/cannot resolve .*shop\/missing:1.*the default verdict for images that cannot be assessed is block/s);
  });

  it('admits with a warning when the default verdict is warn', async () => {
    const lenient = await start(configOf({ defaultVerdict: 'warn' }));
    const doc = await fixture('pod-clean.json');
    doc.request.object.spec.containers[0].image = `${images.registry.host}/shop/missing:1`;
    const answer = await review(doc, lenient);
    expect(answer.response.allowed).toBe(true);
    expect(answer.response.warnings?.[0]).toMatch(/^bulkhead: container web: cannot resolve/);
  });
});

describe('time budget and missing policy', () => {
  it('answers with the default verdict when the scan outlives the budget, and decides from the finished scan later', async () => {
    // Below the configurable minimum on purpose: no registry round trip or scan fits in 1 ms, however warm the caches.
    const hasty = await start({ ...configOf(), budgetMs: 1 });
    const first = await review(await fixture('pod-vulnerable.json'), hasty);
    expect(first.response.allowed).toBe(false);
    expect(first.response.status?.message).toMatch(/did not finish within the admission budget/);
    expect(first.response.status?.message).not.toContain('[vuln-heartbleed]');
    let later = first;
    const until = Date.now() + 30_000;
    while (!later.response.status?.message.includes('[vuln-heartbleed]') && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      later = await review(await fixture('pod-vulnerable.json'), hasty);
    }
    expect(later.response.status?.message).toContain('[vuln-heartbleed]');
  });

  it('is not ready and answers with the default verdict until a policy is loaded', async () => {
    const resolver = createImageResolver({ insecureRegistries: [images.registry.host], tagTtlMs: 60_000 });
    const config = configOf({ defaultVerdict: 'warn' });
    const empty = await startAdmissionServer({
      host: '127.0.0.1',
      port: 0,
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      context: { config, policy: () => undefined, assessor: createStandaloneAssessor({ policy: () => policy, db, resolver, verdictTtlMs: 60_000 }) },
    });
    servers.push(empty);
    const ready = await httpsRequest(`${empty.url}/readyz`, certs.ca, { method: 'GET' });
    expect(ready.status).toBe(503);
    expect(ready.headers['content-type']).toBe('application/problem+json');
    const answer = await review(await fixture('pod-vulnerable.json'), empty);
    expect(answer.response.allowed).toBe(true);
    expect(answer.response.warnings?.[0]).toContain('no policy is loaded yet');
  });
});

describe('bad input', () => {
  const post = (body: string | Buffer, route = '/validate'): ReturnType<typeof httpsRequest> => httpsRequest(`${server.url}${route}`, certs.ca, { body });

  it('answers a body that is not JSON with a 400 problem', async () => {
    const answer = await post('{"kind": "AdmissionReview", ');
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.json<{ status: number; detail: string }>()).toMatchObject({ status: 400, detail: expect.stringContaining('not JSON') });
    expect(answer.text).not.toContain('    at ');
  });

  it('answers broken JSON whose uid can be read with a denying AdmissionReview', async () => {
    const answer = await post('{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"abc-123","kind":');
    expect(answer.status).toBe(200);
    const body = answer.json<AdmissionReviewResponse>();
    expect(body.response).toMatchObject({ uid: 'abc-123', allowed: false, status: { code: 400 } });
  });

  it.each([
    ['a wrong apiVersion', (d: ReviewDoc) => void (d.apiVersion = 'admission.k8s.io/v2'), /unsupported AdmissionReview apiVersion/],
    ['a missing operation', (d: ReviewDoc) => void delete d.request.operation, /request\.operation/],
    ['a missing userInfo', (d: ReviewDoc) => void delete d.request.userInfo, /request\.userInfo/],
    ['another kind', (d: ReviewDoc) => void (d.kind = 'ConversionReview'), /kind/],
    ['containers that are not a list', (d: ReviewDoc) => void (d.request.object.spec.containers = 'web'), /spec\.containers/],
  ])('answers %s per the invalid-request default, with the reason', async (_what, mutate, reason) => {
    const doc = await fixture('pod-clean.json');
    mutate(doc);
    const answer = await post(JSON.stringify(doc));
    expect(answer.status).toBe(200);
    const body = answer.json<AdmissionReviewResponse>();
    expect(body.response.uid).toBe(doc.request.uid);
    expect(body.response.allowed).toBe(false);
    expect(body.response.status?.message).toMatch(reason);
  });

  it('admits invalid requests when configured to', async () => {
    const open = await start(configOf({ invalidRequests: 'allow' }));
    const doc = await fixture('pod-clean.json');
    delete doc.request.operation;
    const answer = await httpsRequest(`${open.url}/validate`, certs.ca, { body: JSON.stringify(doc) });
    expect(answer.json<AdmissionReviewResponse>().response).toMatchObject({ uid: doc.request.uid, allowed: true });
  });

  it('answers JSON that carries no uid with a 400 problem', async () => {
    for (const body of ['[]', 'null', '{"kind":"AdmissionReview"}', '{"request":{"uid":42}}']) {
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toBe('application/problem+json');
    }
  });

  it('refuses bodies over 3 MiB, still as an AdmissionReview when the uid comes first', async () => {
    const doc = await fixture('pod-clean.json');
    doc.request.object.metadata.annotations = { padding: 'x'.repeat(MAX_REVIEW_BYTES) };
    const answer = await post(JSON.stringify(doc));
    expect(answer.status).toBe(200);
    const body = answer.json<AdmissionReviewResponse>();
    expect(body.response).toMatchObject({ uid: doc.request.uid, allowed: false });
    expect(body.response.status?.message).toContain(`over the ${MAX_REVIEW_BYTES}-byte limit`);
  });

  it('answers an oversized body without a uid with 413', async () => {
    const answer = await post(Buffer.alloc(MAX_REVIEW_BYTES + 10, 0x20));
    expect(answer.status).toBe(413);
    expect(answer.headers['content-type']).toBe('application/problem+json');
  });

  it('takes only POST on the review routes and serves the probes', async () => {
    expect((await httpsRequest(`${server.url}/validate`, certs.ca, { method: 'GET' })).status).toBe(405);
    expect((await httpsRequest(`${server.url}/healthz`, certs.ca, { method: 'GET' })).status).toBe(200);
    const ready = await httpsRequest(`${server.url}/readyz`, certs.ca, { method: 'GET' });
    expect(ready.json()).toEqual({ status: 'ready', policy: 'admission-test@2.1.0' });
  });
});

describe('serving certificate', () => {
  it('presents a rotated certificate to new connections without a restart', async () => {
    const before = (await httpsRequest(`${server.url}/healthz`, certs.ca, { method: 'GET' })).serial;
    await makeCertificates(certs.dir);
    let after = before;
    const until = Date.now() + 10_000;
    while (after === before && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      after = (await httpsRequest(`${server.url}/healthz`, certs.ca, { method: 'GET' })).serial;
    }
    expect(after).not.toBe(before);
    const issued = await readFile(certs.certFile, 'utf8');
    const { X509Certificate } = await import('node:crypto');
    expect(new X509Certificate(issued).serialNumber).toBe(after);
    expect((await review(await fixture('pod-clean.json'))).response.allowed).toBe(true);
  });
});

/**
 * The admission webhook against Kubernetes' own AdmissionReview v1
 * round-trip fixture (../shared/testdata/kubernetes, from kubernetes/
 * kubernetes staging/src/k8s.io/api/testdata/HEAD): every request field the
 * API server can send is accepted, placeholder values that are not valid
 * are refused with a valid answer, and every field of our answers exists in
 * the upstream response type.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest, makeCertificates, type TestCertificates } from '../support/admission-fixtures.js';
import { compilePolicy } from '../../src/policy/index.js';
import { DEFAULT_ADMISSION_CONFIG } from '../../src/enforce/k8s-admission/admission-config.js';
import { parseAdmissionReview, type AdmissionReviewResponse } from '../../src/enforce/k8s-admission/admission-review.js';
import { startAdmissionServer, type AdmissionServer } from '../../src/enforce/k8s-admission/admission-server.js';
import type { ImageAssessor } from '../../src/enforce/k8s-admission/image-assessor.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = path.resolve(repoRoot, '../shared/testdata/kubernetes/admission.k8s.io.v1.AdmissionReview.json');
const present = existsSync(file);
if (!present && process.env.CI === 'true') throw new Error(`conformance data missing at ${file}; CI must have ../shared/testdata`);
if (!present) console.warn(`skipping admission conformance: ${file} not found`);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the upstream document is walked by key
type Doc = Record<string, any>;

describe.skipIf(!present)('AdmissionReview v1 round-trip fixture', () => {
  const upstream = (): Doc => JSON.parse(readFileSync(file, 'utf8')) as Doc;
  let work: string;
  let certs: TestCertificates;
  let server: AdmissionServer;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-admission-conf-'));
    certs = await makeCertificates(path.join(work, 'certs'));
    const policy = compilePolicy([{ file: 'conformance.yaml', text: 'version: 1.0.0\nname: conformance\nrules:\n  - id: no-privileged\n    description: d\n    effect: block\n    deploy: {denyPrivileged: true}\n' }]);
    // Kinds without pods never reach an image: an assessor that is never called must say so if it is.
    const assessor: ImageAssessor = { assess: () => Promise.reject(new Error('no image should be assessed')) };
    server = await startAdmissionServer({ host: '127.0.0.1', port: 0, certFile: certs.certFile, keyFile: certs.keyFile, context: { config: DEFAULT_ADMISSION_CONFIG, policy: () => policy, assessor } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('reads every request field once the operation is a real one', () => {
    const doc = upstream();
    const raw = parseAdmissionReview(doc);
    // 'operationValue' is a placeholder, not an operation: refused, with the uid kept for the answer.
    expect(raw).toMatchObject({ ok: false, uid: 'uidValue', apiVersion: 'admission.k8s.io/v1' });
    doc.request.operation = 'UPDATE';
    const parsed = parseAdmissionReview(doc);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.request).toMatchObject({ uid: 'uidValue', name: 'nameValue', namespace: 'namespaceValue', subResource: 'subResourceValue', dryRun: true, userInfo: { username: 'usernameValue', groups: ['groupsValue'], extra: { extraKey: ['extraValue'] } } });
    expect(parsed.request.object).toEqual(doc.request.object);
  });

  it('answers the fixture as sent with a valid AdmissionReview whose fields all exist upstream', async () => {
    const doc = upstream();
    const answer = await httpsRequest(`${server.url}/validate`, certs.ca, { body: JSON.stringify(doc) });
    expect(answer.status).toBe(200);
    const body = answer.json<AdmissionReviewResponse>();
    expect(body).toMatchObject({ apiVersion: doc.apiVersion, kind: doc.kind, response: { uid: doc.request.uid, allowed: false } });
    const upstreamResponse = doc.response as Doc;
    for (const key of Object.keys(body.response)) expect(Object.keys(upstreamResponse), `response.${key}`).toContain(key);
    for (const key of Object.keys(body.response.status ?? {})) expect(Object.keys(upstreamResponse.status as Doc), `response.status.${key}`).toContain(key);
  });

  it('admits a kind without a pod template (the fixture CustomType) on CREATE, echoing the uid', async () => {
    const doc = upstream();
    doc.request.operation = 'CREATE';
    doc.request.subResource = '';
    const answer = await httpsRequest(`${server.url}/validate`, certs.ca, { body: JSON.stringify(doc) });
    const body = answer.json<AdmissionReviewResponse>();
    expect(body.response).toMatchObject({ uid: 'uidValue', allowed: true });
    expect(body.response.auditAnnotations?.note).toBe('kind kindValue has no pod template');
    for (const key of Object.keys(body.response)) expect(Object.keys(doc.response as Doc)).toContain(key);
  });

  it('evaluates the fixture turned into a Pod, with its own uid, kind and user', async () => {
    const doc = upstream();
    doc.request.operation = 'CREATE';
    doc.request.subResource = '';
    doc.request.kind = { group: '', version: 'v1', kind: 'Pod' };
    doc.request.object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nameValue' }, spec: { containers: [{ name: 'c', image: 'registry.invalid/x:1', securityContext: { privileged: true } }] } };
    const noImages = { ...DEFAULT_ADMISSION_CONFIG, defaultVerdict: 'allow' as const };
    const probe = await startAdmissionServer({ host: '127.0.0.1', port: 0, certFile: certs.certFile, keyFile: certs.keyFile, context: { config: noImages, policy: () => compilePolicy([{ file: 'p.yaml', text: 'version: 1.0.0\nname: conformance\nrules:\n  - id: no-privileged\n    description: d\n    effect: block\n    deploy: {denyPrivileged: true}\n' }]), assessor: { assess: (reference) => Promise.resolve({ kind: 'unavailable', reference, reason: 'not assessed in the conformance test' }) } } });
    try {
      const body = (await httpsRequest(`${probe.url}/validate`, certs.ca, { body: JSON.stringify(doc) })).json<AdmissionReviewResponse>();
      expect(body.response).toMatchObject({ uid: 'uidValue', allowed: false, status: { code: 403 } });
      expect(body.response.status?.message).toContain('[no-privileged]');
    } finally {
      await probe.close();
    }
  });
});

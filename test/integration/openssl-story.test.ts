/**
 * The OpenSSL story, end to end, with every piece real: a Debian 12 image
 * with libssl3 (the harness's openssl-curl image, in its private registry)
 * is scanned into the console by CI, pulled and run on a Docker host guarded
 * by a connected defender. Then an advisory for exactly that libssl3 version
 * is imported into the console, and within 10 s: the console lists the image
 * and the container as affected, the defender stops the container, a new
 * `docker run` of the image is refused, an AdmissionReview for a Pod using
 * it is denied by the admission webhook, and the audit log holds every step
 * in a chain that verifies.
 *
 * The installed version comes from dpkg-query in the image (integration
 * facts); the advisory is an OSV record of the shape Debian's OSV feed
 * publishes (a DSA with its CVE alias), written for that version.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerJobHandlers, type ConsoleWorkers } from '../../src/console/jobs/register-job-handlers.js';
import { startTestConsole, type TestConsole } from '../support/console-fixture.js';
import { startDefenderProcess, type DefenderProcess } from './support/defender-process.js';
import { freePort } from './support/free-port.js';
import { startAuditDaemon, type AuditDaemon } from './support/host-audit-daemons.js';
import { describeWithServices, type FixtureImage } from './support/integration-facts.js';
import { runCommand, type RunResult } from './support/run-command.js';
import { spawnService, type ServiceProcess } from './support/service-process.js';
import { waitUntil } from './support/wait-until.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts')];
const PLUGIN_DIR = '/run/docker/plugins';
const ADVISORY_ID = 'DSA-9999-1';
const CVE = 'CVE-2026-99991';

const POLICY = `version: 1.0.0
name: openssl-story
rules:
  - id: no-critical
    description: no image with a critical vulnerability runs anywhere
    effect: block
    vulnerabilities: {severity: critical}
`;

/** An OSV record as Debian's feed writes them, for the source package and release the image has. */
function advisoryFor(sourceVersion: string): string {
  return JSON.stringify({
    schema_version: '1.6.0',
    id: ADVISORY_ID,
    aliases: [CVE],
    modified: new Date().toISOString(),
    published: new Date().toISOString(),
    summary: 'openssl - security update',
    details: 'A buffer overflow in X.509 certificate verification allows remote code execution (test advisory).',
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: 'openssl', purl: 'pkg:deb/debian/openssl?arch=source' },
        // dpkg orders "+fix1" after the installed version: the installed one is affected, the fix is newer.
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${sourceVersion}+fix1` }] }],
        versions: [sourceVersion],
      },
    ],
    references: [{ type: 'ADVISORY', url: `https://security-tracker.debian.org/tracker/${ADVISORY_ID}` }],
  });
}

/** An AdmissionReview as the API server sends it for a Pod create. */
function podReview(image: string): string {
  const uid = randomUUID();
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      requestResource: { group: '', version: 'v1', resource: 'pods' },
      name: 'web',
      namespace: 'shop',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:shop:deployer', uid: randomUUID(), groups: ['system:serviceaccounts', 'system:authenticated'] },
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image, command: ['sleep', '3600'], resources: {} }], restartPolicy: 'Always' },
      },
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  });
}

function postReview(url: string, ca: Buffer, body: string): Promise<{ status: number; json: { response?: { uid: string; allowed: boolean; status?: { message?: string } } } }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json' }, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('admission webhook timed out')));
    req.end(body);
  });
}

describeWithServices('the OpenSSL story: a new advisory stops a running image everywhere within seconds', (facts) => {
  const name = `bulkhead-story-${randomBytes(4).toString('hex')}`;
  const hostName = `story-host-${randomBytes(3).toString('hex')}`;
  const socketPath = path.join(PLUGIN_DIR, `${name}.sock`);
  let image: FixtureImage;
  let work: string;
  let consoleServer: TestConsole;
  let workers: ConsoleWorkers | undefined;
  let defender: DefenderProcess | undefined;
  let daemon: AuditDaemon | undefined;
  let admission: ServiceProcess | undefined;
  let admissionUrl: string;
  let ca: Buffer;
  let sourceVersion: string;

  const docker = (args: readonly string[]): Promise<RunResult> => (daemon as AuditDaemon).docker(args, { allowFailure: true, timeoutMs: 120_000 });
  const cli = (args: readonly string[]): Promise<RunResult> => runCommand(process.execPath, [...CLI, ...args], { cwd: repoRoot, allowFailure: true, timeoutMs: 300_000 });

  beforeAll(async () => {
    image = facts.images['openssl-curl'] as FixtureImage;
    const libssl = image.dpkg.find((r) => r.name === 'libssl3');
    if (!libssl) throw new Error('the openssl-curl fixture has no libssl3 (dpkg-query)');
    sourceVersion = libssl.sourceVersion;
    work = await mkdtemp(path.join(tmpdir(), 'bulkhead-it-story-'));

    // With its job workers, as `bulkhead serve` runs them: re-evaluation after advisory imports is a job.
    consoleServer = await startTestConsole({ dialect: 'sqlite', config: { workers: true } });
    workers = registerJobHandlers(consoleServer.ctx);
    await workers.start();
    const created = await consoleServer.request('POST', '/api/v1/policies/openssl-story/versions', { role: 'secops', body: { content: POLICY, reason: 'the OpenSSL story', activate: true } });
    expect(created.status).toBe(201);

    // The webhook's certificate, made by openssl for 127.0.0.1 under a test CA.
    const pki = path.join(work, 'pki');
    await mkdir(pki);
    const ssl = (args: string[]): Promise<RunResult> => runCommand('openssl', args, { cwd: pki, timeoutMs: 60_000 });
    await ssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=bulkhead-story-ca']);
    await writeFile(path.join(pki, 'server.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    await ssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    await ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server-cert.pem', '-days', '1', '-extfile', 'server.cnf']);
    ca = await readFile(path.join(pki, 'ca.pem'));

    const admissionConfig = path.join(work, 'admission.yaml');
    await writeFile(admissionConfig, `cluster: story\ninsecureRegistries: ['${facts.registry.host}']\nbudgetMs: 20000\n`);
    const port = await freePort();
    admissionUrl = `https://127.0.0.1:${port}/validate`;
    admission = spawnService(
      'bulkhead admission',
      process.execPath,
      [...CLI, 'admission', '--tls-cert', path.join(pki, 'server-cert.pem'), '--tls-key', path.join(pki, 'server-key.pem'), '--host', '127.0.0.1', '--port', String(port), '--config', admissionConfig, '--console', consoleServer.baseUrl, '--token', await consoleServer.tokenFor('defender'), '--cache-dir', path.join(work, 'admission-cache')],
      path.join(work, 'admission.log'),
      10_000,
    );

    const dockerSocket = path.join(work, 'daemon', 'docker.sock');
    defender = await startDefenderProcess({
      args: ['--console', consoleServer.baseUrl, '--token', await consoleServer.tokenFor('defender'), '--name', name, '--socket-dir', PLUGIN_DIR, '--docker-host', `unix://${dockerSocket}`, '--state-dir', path.join(work, 'state'), '--host-name', hostName, '--local-identity', 'ops-alice', '--on-blocked', 'stop', '--unscanned', 'allow', '--scan-budget', '0'],
      socketPath,
      logFile: path.join(work, 'defender.log'),
    });
    daemon = await startAuditDaemon({ root: path.join(work, 'daemon'), daemonJson: {}, flags: ['--authorization-plugin', name] });
    await waitUntil('the admission webhook listens', async () => existsSync(path.join(work, 'admission.log')) && (await postReview(admissionUrl, ca, '{}').then(() => true, () => false)), {
      timeoutMs: 60_000,
      intervalMs: 500,
      stillAlive: () => admission?.exited(),
    });
  }, 600_000);

  afterAll(async () => {
    await daemon?.stop();
    await defender?.process.terminate();
    await admission?.terminate();
    workers?.stop();
    await consoleServer?.close().catch(() => undefined);
    await rm(socketPath, { force: true });
    if (work) await rm(work, { recursive: true, force: true });
  }, 180_000);

  it('CI scans the image into the console, and the host runs it', async () => {
    const scanned = await cli(['scan', image.targets.registry, '--insecure', '--console', consoleServer.baseUrl, '--token', await consoleServer.tokenFor('ci'), '--environment', 'prod']);
    expect(scanned.code, scanned.stderr).toBe(0);
    const verdict = await consoleServer.request('GET', `/api/v1/images/${image.registryDigest}/verdict`, { role: 'defender' });
    expect(verdict.json.verdict).toBe('allow');

    expect((await docker(['pull', image.registryRef])).code).toBe(0);
    // --init: tini as PID 1 passes SIGTERM on, so a stop takes effect at once rather than after docker's 10 s grace.
    const run = await docker(['run', '-d', '--init', '--name', 'shop-web', image.registryRef, 'sleep', '3600']);
    expect(run.code, run.stderr).toBe(0);
    await waitUntil('the defender reports the running container', async () => {
      const host = await consoleServer.request('GET', `/api/v1/hosts/${hostName}`, { role: 'auditor' });
      return host.status === 200 && JSON.stringify(host.json).includes('shop-web');
    }, { timeoutMs: 60_000, intervalMs: 1000 });
  }, 600_000);

  it('an advisory for its libssl3 blocks it everywhere within 10 s, and the audit chain holds every step', async () => {
    const imported = await consoleServer.request('POST', '/api/v1/advisories/import', {
      role: 'secops',
      body: { files: [{ name: `${ADVISORY_ID}.json`, contentBase64: Buffer.from(advisoryFor(sourceVersion)).toString('base64') }] },
    });
    expect(imported.status, imported.text).toBe(200);
    const started = Date.now();

    // The console: the image flips to block and the impact query finds image and container.
    await waitUntil('the console blocks the image', async () => (await consoleServer.request('GET', `/api/v1/images/${image.registryDigest}/verdict`, { role: 'defender' })).json.verdict === 'block', { timeoutMs: 10_000, intervalMs: 200 }).catch(async (error: Error) => {
      const runs = await consoleServer.request('GET', '/api/v1/advisories/reevaluations', { role: 'secops' });
      const findings = await consoleServer.request('GET', `/api/v1/images/${image.registryDigest}/findings`, { role: 'secops' });
      throw new Error(`${error.message}; import: ${imported.text}; re-evaluations: ${runs.text.slice(0, 1500)}; findings: ${findings.text.slice(0, 1500)}`);
    });
    const impact = await consoleServer.request('GET', `/api/v1/vulnerabilities/${CVE}/impact`, { role: 'secops' });
    expect(impact.status).toBe(200);
    expect(JSON.stringify(impact.json)).toContain(image.registryDigest);
    const host = await consoleServer.request('GET', `/api/v1/hosts/${hostName}`, { role: 'auditor' });
    expect(JSON.stringify(impact.json), `host report: ${host.text}`).toContain('shop-web');

    // The host: the running container is stopped by the defender.
    await waitUntil('the defender stops the running container', async () => (await docker(['inspect', '-f', '{{.State.Running}}', 'shop-web'])).stdout.trim() === 'false', {
      timeoutMs: Math.max(1, 10_000 - (Date.now() - started)),
      intervalMs: 250,
    });
    expect(Date.now() - started).toBeLessThanOrEqual(10_000);

    // A new run is refused, with the advisory and the fix in docker's own output.
    const refused = await docker(['run', '--rm', image.registryRef, 'true']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('[no-critical]');
    expect(refused.stderr).toMatch(new RegExp(`${ADVISORY_ID}|${CVE}`));

    // Kubernetes: a Pod using the image is denied at admission.
    const review = await postReview(admissionUrl, ca, podReview(image.registryRef));
    expect(review.status).toBe(200);
    expect(review.json.response?.allowed).toBe(false);
    expect(review.json.response?.status?.message ?? '').toMatch(new RegExp(`${ADVISORY_ID}|${CVE}`));

    // The audit log: the upload, the import, the stop, the refusals, in a chain that verifies.
    let actions: string[] = [];
    await waitUntil('every step is in the audit log', async () => {
      const items = (await consoleServer.request('GET', '/api/v1/audit?limit=500', { role: 'auditor' })).json.items as { action: string; detail: { action?: string; allowed?: boolean } }[];
      actions = items.map((e) => (e.action === 'enforcement.decision' ? `${e.action}:${e.detail.action}:${e.detail.allowed}` : e.action));
      return ['scan.upload', 'advisories.import', 'enforcement.decision:container.stop:', 'enforcement.decision:container.create:false', 'enforcement.decision:pod.admit:false'].every((want) =>
        actions.some((a) => a.startsWith(want)),
      );
    }, { timeoutMs: 30_000, intervalMs: 500 }).catch((error: Error) => {
      throw new Error(`${error.message}; audit actions: ${[...new Set(actions)].join(', ')}`);
    });
    const verify = await consoleServer.request('GET', '/api/v1/audit/verify', { role: 'auditor' });
    expect(verify.status).toBe(200);
    expect(verify.json.ok).toBe(true);
  }, 180_000);
});

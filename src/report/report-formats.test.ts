/**
 * Every scan report format on the demo image (Debian 7 openssl 1.0.1e-2+deb7u4,
 * lodash 4.17.15) matched against advisory records written from real data,
 * with one VEX suppression: golden files (UPDATE_GOLDEN=1 rewrites them),
 * schema validation (SARIF 2.1.0, CycloneDX 1.6) and the facts a user reads.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryAdvisoryIndex } from '../match/testing/memory-advisory-index.js';
import { CCS_INJECTION, HEARTBLEED_DSA, HEARTBLEED_KEV, HEARTBLEED_TRACKER, LODASH_GHSA } from '../match/testing/real-advisories.js';
import { scan, type ScanResult } from '../scan/scan-target.js';
import { toCycloneDxVdr } from './cyclonedx-vdr.js';
import { toJUnit } from './junit.js';
import { toSarif } from './sarif.js';
import { toScanJson } from './scan-json.js';
import { renderVulnerabilityTable } from './vulnerability-table.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '../..');
const demo = path.join(root, 'examples/demo/debian-heartbleed.tar');
const vex = path.join(root, 'src/match/vex/testdata/heartbleed.openvex.json');
const require = createRequire(import.meta.url);

let result: ScanResult;

beforeAll(async () => {
  const index = memoryAdvisoryIndex([HEARTBLEED_TRACKER, HEARTBLEED_DSA, CCS_INJECTION, LODASH_GHSA], [HEARTBLEED_KEV], 'memory:golden');
  const scanned = await scan(`docker-archive:${demo}`, { index, vex: [vex] });
  // Fixed where the run varies, so the golden files are stable.
  result = {
    ...scanned,
    inventory: {
      ...scanned.inventory,
      target: { kind: 'docker-archive', reference: 'docker-archive:examples/demo/debian-heartbleed.tar' },
      createdAt: '2026-01-01T00:00:00.000Z', tool: { name: 'bulkhead', version: '0.0.0-test' } },
    filters: { ...scanned.filters, vex: ['heartbleed.openvex.json'] },
    findings: scanned.findings.map((f) => (f.suppressed ? { ...f, suppressed: { ...f.suppressed, document: 'heartbleed.openvex.json' } } : f)),
  };
});

function golden(name: string, actual: string): void {
  const file = path.join(here, 'testdata', name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('scan reports', () => {
  it('finds what the advisories say about the demo image', () => {
    const open = result.findings.filter((f) => !f.suppressed).map((f) => `${f.id} ${f.package?.name}`).sort();
    expect(open).toEqual(['CVE-2014-0160 libssl1.0.0', 'CVE-2014-0160 openssl', 'CVE-2014-0224 openssl', 'GHSA-p6mc-m468-83gw lodash']);
    // The OpenVEX statement covers CVE-2014-0224 for libssl1.0.0 only.
    expect(result.findings.filter((f) => f.suppressed).map((f) => `${f.id} ${f.package?.name}`)).toEqual(['CVE-2014-0224 libssl1.0.0']);
    expect(result.summary).toMatchObject({ total: 4, suppressed: 1, fixable: 4 });
  });

  it('table: grouped by severity with fixed versions and a summary line', () => {
    const table = renderVulnerabilityTable(result);
    expect(table).toMatch(/^HIGH \(3\)$/m);
    expect(table).toMatch(/CVE-2014-0160\s+libssl1\.0\.0\s+1\.0\.1e-2\+deb7u4\s+1\.0\.1e-2\+deb7u5\s+fix available\s+1\s+KEV since 2022-05-04/);
    expect(table).toMatch(/SUPPRESSED \(1\)\n.*\nCVE-2014-0224\s+libssl1\.0\.0.*not_affected\s+vulnerable_code_not_in_execute_path/);
    expect(table).toMatch(/^Total: 4 vulnerabilities \(critical: 0, high: 3, medium: 0, low: 0, negligible: 0, unknown: 1\); 4 with a fix; 1 suppressed by VEX$/m);
    golden('demo.table.txt', table);
  });

  it('json: inventory, findings and snapshot in one document', () => {
    const json = toScanJson(result);
    const doc = JSON.parse(json) as ScanResult;
    expect(doc.schema).toBe('bulkhead.scan/v1');
    expect(doc.inventory.packages).toHaveLength(7);
    expect(doc.advisorySnapshot).toBe('memory:golden');
    expect(doc).not.toHaveProperty('timings');
    golden('demo.scan.json', json);
  });

  it('sarif: valid SARIF 2.1.0 that GitHub code scanning reads', () => {
    const text = toSarif(result);
    const sarif = JSON.parse(text);
    // One pattern in the SARIF schema is not valid under the 'u' flag.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats.default(ajv);
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    // The schema is draft-04 ('id'); ajv 8 reads it as draft-07 once the id is spelled '$id'.
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    const validate = ajv.compile(schema);
    expect(validate(sarif), ajv.errorsText(validate.errors)).toBe(true);
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id).sort()).toEqual(['CVE-2014-0160', 'CVE-2014-0224', 'GHSA-p6mc-m468-83gw']);
    const heartbleed = run.results.find((r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.ruleId === 'CVE-2014-0160');
    expect(heartbleed.level).toBe('error');
    expect(heartbleed.locations[0].physicalLocation.artifactLocation.uri).toBe('var/lib/dpkg/status');
    expect(Number(heartbleed.properties['security-severity'])).toBe(7.5);
    const lodash = run.results.find((r: { ruleId: string }) => r.ruleId === 'GHSA-p6mc-m468-83gw');
    expect(lodash.locations[0].physicalLocation.artifactLocation.uri).toBe('srv/app/node_modules/lodash/package.json');
    // Fingerprints differ per package, so the two openssl binaries are two alerts.
    const prints = new Set(run.results.map((r: { partialFingerprints: Record<string, string> }) => Object.values(r.partialFingerprints)[0]));
    expect(prints.size).toBe(run.results.length);
    expect(run.results.filter((r: { suppressions?: unknown[] }) => r.suppressions).length).toBe(1);
    golden('demo.sarif.json', text);
  });

  it('cyclonedx: the SBOM plus vulnerabilities pointing at component bom-refs, valid CycloneDX 1.6', () => {
    const text = toCycloneDxVdr(result, { serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79', timestamp: new Date('2026-01-01T00:00:00Z') });
    const bom = JSON.parse(text);
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addFormat('iri-reference', (value: string) => ![...value].some((c) => c <= ' ' || c === '\u007f' || '<>"{}|\\^`'.includes(c)));
    ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
    const schemaDir = path.join(path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res/schema');
    // bom-1.6.SNAPSHOT refers to its neighbours by their SNAPSHOT file names.
    for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
      const { $id: _id, ...schema } = JSON.parse(readFileSync(path.join(schemaDir, name), 'utf8')) as Record<string, unknown>;
      ajv.addSchema(schema, `http://cyclonedx.org/schema/${name}`);
    }
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(schemaDir, 'bom-1.6.SNAPSHOT.schema.json'), 'utf8')));
    expect(validate(bom), ajv.errorsText(validate.errors)).toBe(true);
    const refs = new Set(bom.components.map((c: { 'bom-ref': string }) => c['bom-ref']));
    const ssl = bom.components.find((c: { name: string }) => c.name === 'libssl1.0.0');
    const heartbleed = bom.vulnerabilities.find((v: { id: string; affects: { ref: string }[] }) => v.id === 'CVE-2014-0160' && v.affects[0]!.ref === ssl['bom-ref']);
    expect(heartbleed).toMatchObject({
      recommendation: 'Upgrade libssl1.0.0 to 1.0.1e-2+deb7u5 or later',
      cwes: [125],
      ratings: [{ source: { name: 'nvd' }, score: 7.5, severity: 'high', method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
    });
    for (const v of bom.vulnerabilities) for (const a of v.affects) expect(refs.has(a.ref)).toBe(true);
    const suppressed = bom.vulnerabilities.find((v: { analysis?: unknown }) => v.analysis);
    expect(suppressed).toMatchObject({ id: 'CVE-2014-0224', analysis: { state: 'not_affected', justification: 'code_not_reachable' } });
    golden('demo.cdx-vdr.json', text);
  });

  it('junit: a failure per unsuppressed finding, skipped for the suppressed one, a pass per clean package', () => {
    const xml = toJUnit(result);
    expect(xml).toMatch(/<testsuites name="bulkhead" tests="9" failures="4" errors="0" skipped="1">/);
    expect(xml).toMatch(/<testcase classname="deb\.libssl1\.0\.0@1\.0\.1e-2\+deb7u4" name="CVE-2014-0160 \[high\]">\n\s+<failure type="high" message="CVE-2014-0160: fixed in 1\.0\.1e-2\+deb7u5">/);
    expect(xml).toMatch(/<testcase classname="deb\.bash@4\.2\+dfsg-0\.1" name="no known vulnerabilities"\/>/);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(9);
    golden('demo.junit.xml', xml);
  });

  it('without a database: not evaluated, the inventory still shown', async () => {
    const missing = await scan(`docker-archive:${demo}`, { db: path.join(here, 'testdata', 'no-such.db') });
    expect(missing.evaluated).toBe(false);
    expect(missing.database.status).toBe('missing');
    const table = renderVulnerabilityTable(missing);
    expect(table).toMatch(/^Warning: no advisory database at .*bulkhead db update/);
    expect(table).toMatch(/libssl1\.0\.0\s+1\.0\.1e-2\+deb7u4/);
    expect(toJUnit(missing)).toMatch(/skipped="7"/);
  });
});

/**
 * Conformance of the SBOM writers and reader against the official schemas
 * and example: CycloneDX 1.6 JSON schema (with the spdx and jsf schemas it
 * refers to) and the SPDX 2.3 JSON schema and example document from
 * spdx/spdx-spec. Both writers' output for a realistic inventory, and for
 * arbitrary hostile package data, must validate; the SPDX example must read.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inventorySchema, readSbom, toCycloneDx, toSpdx } from '../../src/sbom/index.js';
import { arbitraryInventory } from '../../src/sbom/testdata/arbitrary-inventory.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = path.resolve(repoRoot, '../shared/testdata/sbom');
const present = existsSync(shared);
if (!present && process.env.CI === 'true') {
  throw new Error(`conformance data missing: ${shared} (required when CI=true)`);
}
if (!present) console.warn(`skipping SBOM conformance: ${shared} not found`);

const json = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(shared, file), 'utf8'));
const inventory = inventorySchema.parse(
  JSON.parse(readFileSync(path.join(repoRoot, 'src/sbom/testdata/app-image.inventory.json'), 'utf8')),
);

describe.skipIf(!present)('SBOM conformance', () => {
  // CycloneDX 1.6: draft-07. ajv-formats lacks the two IRI-era formats; these admit exactly
  // what RFC 3987 / RFC 6531 can never contain.
  const cdxAjv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(cdxAjv);
  cdxAjv.addFormat('iri-reference', (v: string) => ![...v].some((c) => c <= ' ' || c === '\u007f' || '<>"{}|\\^`'.includes(c)));
  cdxAjv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  const validateCdx = present
    ? (cdxAjv.addSchema(json('cyclonedx/spdx.schema.json')).addSchema(json('cyclonedx/jsf-0.82.schema.json')),
      cdxAjv.compile(json('cyclonedx/bom-1.6.schema.json')))
    : undefined;
  // SPDX 2.3: draft 2019-09.
  const spdxAjv = new Ajv2019({ strict: false, allErrors: true });
  addFormats.default(spdxAjv);
  const validateSpdx = present ? spdxAjv.compile(json('spdx-2.3/spdx-schema.json')) : undefined;

  const cdxErrors = (text: string): string =>
    validateCdx?.(JSON.parse(text)) ? '' : cdxAjv.errorsText(validateCdx?.errors, { separator: '\n' });
  const spdxErrors = (doc: unknown): string =>
    validateSpdx?.(doc) ? '' : spdxAjv.errorsText(validateSpdx?.errors, { separator: '\n' });

  const example = (): Record<string, unknown> => json('spdx-2.3/SPDXJSONExample-v2.3.spdx.json');

  it('accepts the official SPDX example and rejects it without its SPDXID (the validator is live)', () => {
    expect(spdxErrors(example())).toBe('');
    const broken = example();
    delete broken['SPDXID'];
    expect(spdxErrors(broken)).not.toBe('');
    expect(cdxErrors(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'nonsense', name: 'x' }] }))).not.toBe('');
  });

  it('writes CycloneDX 1.6 that the official schema accepts', () => {
    expect(cdxErrors(toCycloneDx(inventory))).toBe('');
  });

  it('writes SPDX 2.3 that the official schema accepts', () => {
    expect(spdxErrors(JSON.parse(toSpdx(inventory)))).toBe('');
  });

  it('stays schema-valid for arbitrary package names, versions and licenses', () => {
    fc.assert(
      fc.property(arbitraryInventory, (inv) => {
        expect(cdxErrors(toCycloneDx(inv))).toBe('');
        expect(spdxErrors(JSON.parse(toSpdx(inv)))).toBe('');
      }),
      { numRuns: 200 },
    );
  });

  it('reads the official SPDX 2.3 example: the one package with a purl, a warning for each without', () => {
    const text = readFileSync(path.join(shared, 'spdx-2.3/SPDXJSONExample-v2.3.spdx.json'), 'utf8');
    const inv = readSbom(text, 'SPDXJSONExample-v2.3.spdx.json');
    expect(inv.target).toEqual({ kind: 'sbom', reference: 'SPDXJSONExample-v2.3.spdx.json' });
    // Jena is the example's only package with a PACKAGE-MANAGER purl; maven names are groupId:artifactId.
    expect(inv.packages.map((p) => [p.ecosystem, p.name, p.version, p.purl])).toEqual([
      ['maven', 'org.apache.jena:apache-jena', '3.12.0', 'pkg:maven/org.apache.jena/apache-jena@3.12.0'],
    ]);
    expect(inv.packages[0]?.id).toBe('SPDXRef-fromDoap-0');
    const skipped = inv.warnings.map((w) => w.message);
    for (const name of ['glibc', 'Apache Commons Lang', 'Saxon']) {
      expect(skipped).toContain(`package "${name}" has no purl; skipped`);
    }
  });

  it('rewrites what it read from the SPDX example as valid SPDX and CycloneDX', () => {
    const text = readFileSync(path.join(shared, 'spdx-2.3/SPDXJSONExample-v2.3.spdx.json'), 'utf8');
    const inv = readSbom(text, 'example');
    expect(spdxErrors(JSON.parse(toSpdx(inv)))).toBe('');
    expect(cdxErrors(toCycloneDx(inv))).toBe('');
    const again = readSbom(toCycloneDx(inv), 'again');
    expect(again.packages.map((p) => p.purl)).toEqual(['pkg:maven/org.apache.jena/apache-jena@3.12.0']);
  });
});

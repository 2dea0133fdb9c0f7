import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../domain/inventory.js';
import type { Package } from '../../domain/package.js';
import { inventorySchema } from '../inventory-json/inventory-schema.js';
import { parseSpdxExpression } from '../spdx-license-expression.js';
import { arbitraryInventory } from '../testdata/arbitrary-inventory.js';
import { spdxPieces, toSpdx } from './to-spdx.js';

const testdata = new URL('../testdata/', import.meta.url);
const inventory: Inventory = inventorySchema.parse(
  JSON.parse(readFileSync(new URL('app-image.inventory.json', testdata), 'utf8')),
);
const fixed = {
  documentNamespace: 'https://bulkhead.invalid/spdx/registry.example.com/team/app-1.4.2-3e671687-395b-41f5-a30f-a58921a69b79',
  created: new Date('2024-03-02T10:00:00Z'),
};

interface SpdxDoc {
  spdxVersion: string;
  SPDXID: string;
  dataLicense: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: {
    SPDXID: string;
    name: string;
    versionInfo?: string;
    licenseDeclared?: string;
    supplier?: string;
    downloadLocation: string;
    filesAnalyzed: boolean;
    primaryPackagePurpose: string;
    externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
  }[];
  hasExtractedLicensingInfos?: { licenseId: string; extractedText: string }[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}

/** The SPDX 2.3 rules a JSON schema cannot express: id syntax and uniqueness, references, license syntax. */
function specViolations(doc: SpdxDoc): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const pkg of doc.packages) {
    if (!/^SPDXRef-[A-Za-z0-9.-]+$/.test(pkg.SPDXID)) problems.push(`bad SPDXID ${pkg.SPDXID}`);
    if (ids.has(pkg.SPDXID)) problems.push(`duplicate SPDXID ${pkg.SPDXID}`);
    ids.add(pkg.SPDXID);
  }
  const refs = new Set((doc.hasExtractedLicensingInfos ?? []).map((info) => info.licenseId));
  for (const ref of refs) if (!/^LicenseRef-[A-Za-z0-9.-]+$/.test(ref)) problems.push(`bad licenseId ${ref}`);
  for (const pkg of doc.packages) {
    const declared = pkg.licenseDeclared;
    if (declared === undefined || declared === 'NOASSERTION' || declared === 'NONE') continue;
    if (parseSpdxExpression(declared) === undefined) problems.push(`licenseDeclared ${declared} is not an expression`);
    for (const ref of declared.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) {
      if (!refs.has(ref)) problems.push(`${ref} not in hasExtractedLicensingInfos`);
    }
    for (const ext of pkg.externalRefs ?? []) if (/\s/.test(ext.referenceLocator)) problems.push(`space in ${ext.referenceLocator}`);
  }
  for (const rel of doc.relationships) {
    for (const end of [rel.spdxElementId, rel.relatedSpdxElement]) {
      if (end !== 'SPDXRef-DOCUMENT' && !ids.has(end)) problems.push(`relationship to unknown ${end}`);
    }
  }
  if (!doc.relationships.some((r) => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES')) {
    problems.push('nothing DESCRIBED');
  }
  return problems;
}

describe('toSpdx', () => {
  const text = toSpdx(inventory, fixed);
  const doc = JSON.parse(text) as SpdxDoc;
  const byName = (name: string): SpdxDoc['packages'][number] => {
    const found = doc.packages.find((p) => p.name === name);
    if (!found) throw new Error(`no package ${name}`);
    return found;
  };

  it('matches the golden file', () => {
    expect(text).toBe(readFileSync(new URL('app-image.spdx.json', testdata), 'utf8'));
  });

  it('writes the same bytes for the same inventory', () => {
    expect(toSpdx(structuredClone(inventory) as Inventory, fixed)).toBe(text);
  });

  it('has the SPDX 2.3 document header', () => {
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    expect(doc.dataLicense).toBe('CC0-1.0');
    expect(doc.SPDXID).toBe('SPDXRef-DOCUMENT');
    expect(doc.creationInfo).toEqual({ created: '2024-03-02T10:00:00Z', creators: ['Tool: bulkhead-0.1.0'] });
  });

  it('gives every document its own namespace URI unless told one', () => {
    const a = (JSON.parse(toSpdx(inventory)) as SpdxDoc).documentNamespace;
    const b = (JSON.parse(toSpdx(inventory)) as SpdxDoc).documentNamespace;
    expect(a).not.toBe(b);
    expect(() => new URL(a)).not.toThrow();
    expect(a).not.toContain('#');
  });

  it('describes the image package, which contains every package', () => {
    const root = doc.relationships.find((r) => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES');
    const image = doc.packages.find((p) => p.SPDXID === root?.relatedSpdxElement);
    expect(image?.primaryPackagePurpose).toBe('CONTAINER');
    expect(image?.versionInfo).toBe(inventory.image?.manifestDigest);
    const contained = new Set(
      doc.relationships.filter((r) => r.spdxElementId === image?.SPDXID && r.relationshipType === 'CONTAINS').map((r) => r.relatedSpdxElement),
    );
    const purls = doc.packages.filter((p) => contained.has(p.SPDXID)).flatMap((p) => p.externalRefs ?? []).map((r) => r.referenceLocator);
    expect(purls).toEqual(expect.arrayContaining(inventory.packages.map((p) => p.purl)));
    expect(doc.packages.find((p) => p.primaryPackagePurpose === 'OPERATING_SYSTEM')?.name).toBe('debian');
  });

  it('writes each package with purl, version, NOASSERTION download and unanalysed files', () => {
    const libssl = byName('libssl3');
    expect(libssl.versionInfo).toBe('3.0.19-1~deb12u2');
    expect(libssl.downloadLocation).toBe('NOASSERTION');
    expect(libssl.filesAnalyzed).toBe(false);
    expect(libssl.primaryPackagePurpose).toBe('LIBRARY');
    expect(libssl.externalRefs).toEqual([
      { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/libssl3@3.0.19-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl' },
    ]);
  });

  it('writes valid SPDX licenses as expressions and the rest as LicenseRefs', () => {
    expect(byName('zlib1g').licenseDeclared).toBe('Zlib');
    expect(byName('libc6').licenseDeclared).toBe('LGPL-2.1-or-later AND (GPL-2.0-or-later WITH GCC-exception-2.0)');
    expect(byName('bash').licenseDeclared).toBe('GPL-3.0-or-later AND BSD-4-Clause-UC AND LicenseRef-GPL-2 AND Latex2e');
    expect(byName('spdx-weird').licenseDeclared).toBe('(MIT OR Apache-2.0) AND LicenseRef-SEE-LICENSE-IN-LICENSE.md');
    expect(doc.hasExtractedLicensingInfos).toContainEqual({ licenseId: 'LicenseRef-GPL-2', extractedText: 'GPL-2+', name: 'GPL-2+' });
  });

  it('writes depends-on as DEPENDS_ON between the packages', () => {
    const idOf = (name: string): string => byName(name).SPDXID;
    expect(doc.relationships).toContainEqual({ spdxElementId: idOf('openssl'), relationshipType: 'DEPENDS_ON', relatedSpdxElement: idOf('libssl3') });
    expect(doc.relationships.filter((r) => r.relationshipType === 'DEPENDS_ON')).toHaveLength(5);
  });

  it('keeps the golden document free of spec violations', () => {
    expect(specViolations(doc)).toEqual([]);
  });

  it('gives distinct SPDXIDs to package ids that sanitize alike', () => {
    const base = inventory.packages[0] as Package;
    const twins = ['a/b', 'a b', 'a?b', 'a--b'].map((id) => ({ ...base, id }));
    const out = JSON.parse(toSpdx({ ...inventory, packages: twins, relationships: [] }, fixed)) as SpdxDoc;
    const ids = out.packages.map((p) => p.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(specViolations(out)).toEqual([]);
  });

  it('names a supplier from what the cataloger recorded', () => {
    const base = inventory.packages[0] as Package;
    const pkgs: Package[] = [
      { ...base, id: 'rpm', metadata: { vendor: 'Red Hat, Inc.' } },
      { ...base, id: 'deb', metadata: { maintainer: 'Santiago Vila <sanvila@debian.org>' } },
    ];
    const out = JSON.parse(toSpdx({ ...inventory, packages: pkgs, relationships: [] }, fixed)) as SpdxDoc;
    expect(out.packages.map((p) => p.supplier).filter(Boolean)).toEqual([
      'Organization: Red Hat, Inc.',
      'Person: Santiago Vila (sanvila@debian.org)',
    ]);
  });

  it('keeps arbitrary names, versions and licenses within the spec', () => {
    fc.assert(
      fc.property(arbitraryInventory, (inv) => {
        const out = JSON.parse(toSpdx(inv, fixed)) as SpdxDoc;
        expect(specViolations(out)).toEqual([]);
        expect(out.packages.length).toBe(inv.packages.length + 1 + (inv.distro ? 1 : 0));
      }),
      { numRuns: 150 },
    );
  });
});

describe('spdxPieces', () => {
  it('writes depends-on, contains and owns between known packages, and drops edges to unknown ones', () => {
    const [a, b] = inventory.packages;
    if (a === undefined || b === undefined) throw new Error('fixture has fewer than two packages');
    const inv: Inventory = {
      ...inventory,
      relationships: [
        { from: a.id, to: b.id, type: 'depends-on' },
        { from: a.id, to: b.id, type: 'contains' },
        { from: b.id, to: a.id, type: 'owns' },
        { from: a.id, to: 'missing', type: 'depends-on' },
        { from: 'missing', to: b.id, type: 'owns' },
      ],
    };
    const doc = JSON.parse([...spdxPieces(inv, fixed)].join('')) as SpdxDoc;
    const idOf = (name: string): string => doc.packages.find((p) => p.name === name)?.SPDXID ?? '';
    const between = doc.relationships.filter((r) => r.relationshipType !== 'DESCRIBES' && r.spdxElementId !== 'SPDXRef-DocumentRoot');
    expect(between).toEqual([
      { spdxElementId: idOf(a.name), relationshipType: 'DEPENDS_ON', relatedSpdxElement: idOf(b.name) },
      { spdxElementId: idOf(a.name), relationshipType: 'CONTAINS', relatedSpdxElement: idOf(b.name) },
      { spdxElementId: idOf(b.name), relationshipType: 'OTHER', relatedSpdxElement: idOf(a.name), comment: 'owns' },
    ]);
  });

  it('joins to the golden document', () => {
    expect([...spdxPieces(inventory, fixed)].join('')).toBe(readFileSync(new URL('app-image.spdx.json', testdata), 'utf8'));
  });

  it('describes each package only when a piece holding it is written, and lists extracted licenses after all of them', () => {
    const licensesRead: string[] = [];
    const packages = Array.from({ length: 300 }, (_, i) => {
      const pkg = { id: `pkg-${i}`, ecosystem: 'npm', name: `p${i}`, version: '1.0.0', purl: `pkg:npm/p${i}@1.0.0`, locations: [], foundBy: 'test' };
      return Object.defineProperty(pkg, 'licenses', {
        enumerable: true,
        get: () => {
          licensesRead.push(pkg.id);
          return [`Custom licence ${i}`];
        },
      }) as unknown as Package;
    });
    const inv: Inventory = { ...inventory, image: undefined, distro: undefined, packages, relationships: [] };
    const pieces = spdxPieces(inv, fixed);
    let text = '';
    while (!text.endsWith('\n  "packages": ')) {
      const piece = pieces.next();
      if (piece.done === true) throw new Error('no packages list');
      text += piece.value;
    }
    expect(licensesRead).toEqual([]);
    let written = 0;
    let listPieces = 0;
    for (let piece = pieces.next(); piece.done !== true; piece = pieces.next()) {
      text += piece.value;
      if (written < packages.length) {
        written += piece.value.split('"SPDXID": "SPDXRef-Package-').length - 1;
        listPieces++;
        expect(licensesRead).toHaveLength(written);
      }
    }
    expect(listPieces).toBeGreaterThanOrEqual(10);
    expect(text).toBe(toSpdx(inv, fixed));
    const doc = JSON.parse(text) as SpdxDoc;
    expect(doc.hasExtractedLicensingInfos?.map((l) => l.extractedText)).toEqual(packages.map((_, i) => `Custom licence ${i}`));
  });
});

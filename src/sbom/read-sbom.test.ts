import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInputError, LimitExceededError } from '../domain/errors.js';
import type { Inventory } from '../domain/inventory.js';
import type { Package } from '../domain/package.js';
import { toCycloneDx } from './cyclonedx/to-cyclonedx.js';
import { inventorySchema } from './inventory-json/inventory-schema.js';
import { toInventoryJson } from './inventory-json/to-inventory-json.js';
import { readSbom } from './read-sbom.js';
import { toSpdx } from './spdx/to-spdx.js';
import { arbitraryInventory } from './testdata/arbitrary-inventory.js';

const testdata = new URL('./testdata/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, testdata), 'utf8');
const inventory: Inventory = inventorySchema.parse(JSON.parse(read('app-image.inventory.json')));

const identity = (inv: Inventory): string[] =>
  inv.packages.map((p) => JSON.stringify([p.name, p.version, p.purl])).sort();
const byPurl = (inv: Inventory): Map<string, Package> => new Map(inv.packages.map((p) => [p.purl, p]));

describe('readSbom round trips', () => {
  it('reads back our CycloneDX with every package, license, location, layer and source', () => {
    const back = readSbom(toCycloneDx(inventory), 'app.cdx.json');
    expect(back.target).toEqual({ kind: 'sbom', reference: 'app.cdx.json' });
    expect(back.warnings).toEqual([]);
    expect(identity(back)).toEqual(identity(inventory));
    const got = byPurl(back);
    for (const pkg of inventory.packages) {
      const other = got.get(pkg.purl);
      expect(other?.id).toBe(pkg.id);
      expect(other?.ecosystem).toBe(pkg.ecosystem);
      expect(other?.locations).toEqual(pkg.locations);
      expect(other?.source).toEqual(pkg.source);
      expect(other?.foundBy).toBe(pkg.foundBy);
      expect(other?.scope).toBe(pkg.scope);
      expect(other?.arch).toBe(pkg.arch);
      // Licenses come back as the same set (CycloneDX sorts them).
      expect([...(other?.licenses ?? [])].sort()).toEqual(
        [...pkg.licenses].sort(),
      );
    }
    expect(back.relationships).toEqual(expect.arrayContaining([...inventory.relationships]));
    expect(back.relationships).toHaveLength(inventory.relationships.length);
    expect(back.distro).toEqual(inventory.distro);
  });

  it('restores image metadata from our CycloneDX, except the environment it never writes', () => {
    const back = readSbom(toCycloneDx(inventory), 'app.cdx.json');
    const { env: _env, ...config } = inventory.image?.config ?? { env: [] };
    expect(back.image?.config).toEqual({ ...config, env: [] });
    expect(back.image?.layers).toEqual(inventory.image?.layers);
    expect(back.image?.configDigest).toBe(inventory.image?.configDigest);
    expect(back.image?.manifestDigest).toBe(inventory.image?.manifestDigest);
    expect(back.image?.repoTags).toEqual(inventory.image?.repoTags);
    expect([back.image?.os, back.image?.architecture]).toEqual(['linux', 'amd64']);
  });

  it('reads back our SPDX with names, versions, purls, licenses, dependencies and distro', () => {
    const back = readSbom(toSpdx(inventory), 'app.spdx.json');
    expect(back.warnings).toEqual([]);
    expect(identity(back)).toEqual(identity(inventory));
    const got = byPurl(back);
    expect(got.get(inventory.packages[1]?.purl ?? '')?.licenses).toEqual(['GPL-3.0-or-later', 'BSD-4-Clause-UC', 'GPL-2+', 'Latex2e']);
    expect(got.get('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1')?.licenses).toEqual(['Apache License, Version 2.0']);
    const name = (id: string): string | undefined => back.packages.find((p) => p.id === id)?.name;
    const edges = back.relationships.map((r) => `${name(r.from)}->${name(r.to)}`).sort();
    expect(edges).toEqual(['bash->base-files', 'express->debug', 'express->qs', 'libssl3->libc6', 'openssl->libssl3']);
    expect(back.distro).toMatchObject({ id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
    expect(back.image?.repoTags).toEqual(['registry.example.com/team/app:1.4.2']);
  });

  it('reads back our inventory JSON unchanged apart from the target', () => {
    const back = readSbom(toInventoryJson(inventory), 'app.json');
    expect({ ...back, id: inventory.id, target: inventory.target }).toEqual(inventory);
    expect(back.target).toEqual({ kind: 'sbom', reference: 'app.json' });
  });

  it('keeps name, version and purl of arbitrary packages through both formats', () => {
    fc.assert(
      fc.property(arbitraryInventory, (inv) => {
        // Only packages whose purl type maps to an ecosystem come back; the generator's all do.
        for (const text of [toCycloneDx(inv), toSpdx(inv)]) {
          const back = readSbom(text, 'x');
          expect(identity(back)).toEqual(identity(inv));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('readSbom on other producers’ documents', () => {
  it('reads a CycloneDX 1.4 document: purl-derived names, nested components, distro, image, dependencies', () => {
    const inv = readSbom(read('foreign/alpine-cyclonedx-1.4.json'), 'alpine.cdx.json');
    const got = byPurl(inv);
    expect(inv.packages.map((p) => [p.ecosystem, p.name, p.version]).sort()).toEqual([
      ['apk', 'libcrypto3', '3.1.4-r5'],
      ['apk', 'musl', '1.2.4_git20230717-r4'],
      ['maven', 'org.apache.logging.log4j:log4j-core', '2.17.1'],
      ['npm', '@babel/core', '7.23.0'],
    ]);
    const libcrypto = got.get('pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&upstream=openssl&distro=alpine-3.19.0');
    expect(libcrypto).toMatchObject({ source: { name: 'openssl' }, arch: 'x86_64', distro: 'alpine-3.19.0', licenses: ['Apache-2.0'] });
    const musl = got.get('pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&upstream=musl&distro=alpine-3.19.0');
    expect(musl?.locations).toEqual([
      { path: '/lib/apk/db/installed', layer: 'sha256:d4fc045c9e3a848011de66f34b81f052d4f2c15a17bb196d637e526349601820' },
    ]);
    expect(got.get('pkg:npm/%40babel/core@7.23.0')?.licenses).toEqual(['Custom license text']);
    expect(got.get('pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1')?.scope).toBe('dev');
    expect(inv.distro).toMatchObject({ id: 'alpine', versionId: '3.19.0', prettyName: 'Alpine Linux v3.19' });
    expect(inv.image).toMatchObject({
      configDigest: 'sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b',
      repoTags: ['alpine:3.19'],
    });
    const name = (id: string): string | undefined => inv.packages.find((p) => p.id === id)?.name;
    expect(inv.relationships.map((r) => `${name(r.from)}->${name(r.to)}`).sort()).toEqual([
      '@babel/core->org.apache.logging.log4j:log4j-core',
      'libcrypto3->musl',
    ]);
    expect(inv.packages.every((p) => p.foundBy === 'sbom/cyclonedx')).toBe(true);
  });

  it('warns about each component it cannot use, and names it', () => {
    const inv = readSbom(read('foreign/alpine-cyclonedx-1.4.json'), 'alpine.cdx.json');
    const messages = inv.warnings.map((w) => w.message);
    expect(messages).toHaveLength(3);
    expect(messages.find((m) => m.includes('"Alamofire"'))).toMatch(/purl type "swift" is not supported/);
    expect(messages.find((m) => m.includes('"mystery"'))).toMatch(/no purl/);
    expect(messages.find((m) => m.includes('"broken"'))).toMatch(/invalid purl/);
  });

  it('reads an SPDX 2.2 document: PACKAGE_MANAGER purls, DEPENDENCY_OF, concluded licenses, LicenseRef names', () => {
    const inv = readSbom(read('foreign/python-spdx-2.2.json'), 'py.spdx.json');
    expect(inv.packages.map((p) => [p.ecosystem, p.name, p.version, p.purl])).toEqual([
      ['pypi', 'django', '4.2.7', 'pkg:pypi/django@4.2.7'],
      ['pypi', 'asgiref', '3.7.2', 'pkg:pypi/asgiref@3.7.2'],
    ]);
    const [django, asgiref] = inv.packages;
    expect(django?.licenses).toEqual(['BSD-3-Clause']);
    expect(django?.metadata).toEqual({ supplier: 'Organization: Django Software Foundation' });
    expect(asgiref?.licenses).toEqual(['BSD-style asgiref license']);
    expect(inv.relationships).toEqual([{ from: 'SPDXRef-Django', to: 'SPDXRef-asgiref', type: 'depends-on' }]);
    expect(inv.distro).toMatchObject({ id: 'ubuntu', versionId: '22.04' });
    expect(inv.warnings.map((w) => w.message)).toEqual(['package "python-app" has no purl; skipped']);
  });

  it('records the reader as the cataloger and hashes the document for the inventory id', () => {
    const text = read('foreign/python-spdx-2.2.json');
    const inv = readSbom(text, 'py.spdx.json', { toolVersion: '9.9.9', now: new Date('2024-05-05T00:00:00Z') });
    expect(inv.catalogers).toEqual([{ name: 'sbom/spdx', version: 1, packages: 2, files: 1 }]);
    expect(inv.tool).toEqual({ name: 'bulkhead', version: '9.9.9' });
    expect(inv.createdAt).toBe('2024-05-05T00:00:00.000Z');
    expect(inv.id).toBe(readSbom(text, 'other-name').id);
    expect(inv.id).not.toBe(readSbom(`${text}\n`, 'py.spdx.json').id);
  });
});

describe('readSbom on bad input', () => {
  const cdx = (extra: object): string => JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', ...extra });

  it.each([
    ['not JSON', 'this is not json', /not JSON/],
    ['an XML SBOM', '<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>', /not JSON/],
    ['a JSON array', '[]', /not a JSON object/],
    ['a JSON string', '"CycloneDX"', /not a JSON object/],
    ['an unknown document', '{"hello":"world"}', /neither CycloneDX JSON, SPDX JSON nor a Bulkhead inventory/],
    ['CycloneDX 1.3', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.3' }), /CycloneDX "1.3" is not supported/],
    ['SPDX 2.1', JSON.stringify({ spdxVersion: 'SPDX-2.1', SPDXID: 'SPDXRef-DOCUMENT' }), /"SPDX-2.1" is not supported/],
    ['components that are not a list', cdx({ components: { a: 1 } }), /not valid CycloneDX JSON: components/],
    ['a component without a name', cdx({ components: [{ type: 'library' }] }), /components\.0\.name/],
    ['SPDX packages without SPDXID', JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', packages: [{ name: 'x' }] }), /not valid SPDX JSON: packages\.0\.SPDXID/],
    ['an inventory of the wrong shape', JSON.stringify({ schema: 'bulkhead.inventory/v1', packages: 'many' }), /not valid Bulkhead inventory JSON/],
  ])('rejects %s with BadInputError', (_label, text, message) => {
    expect(() => readSbom(text, 'input.json')).toThrow(BadInputError);
    expect(() => readSbom(text, 'input.json')).toThrow(message);
  });

  it('refuses a document over the size limit before parsing it', () => {
    const text = cdx({ components: [] });
    expect(() => readSbom(text, 'big.json', { maxChars: text.length - 1 })).toThrow(LimitExceededError);
    expect(() => readSbom(text, 'big.json', { maxChars: text.length })).not.toThrow();
  });

  it('refuses absurd component counts', () => {
    const many = cdx({ components: Array.from({ length: 1001 }, (_, n) => ({ type: 'library', name: `p${n}` })) });
    expect(() => readSbom(many, 'many.json', { maxComponents: 1000 })).toThrow(/more than 1000 components/);
    const nested = cdx({ components: [{ type: 'library', name: 'a', components: Array.from({ length: 600 }, () => ({ type: 'library', name: 'b' })) }], dependencies: [] });
    expect(() => readSbom(nested, 'nested.json', { maxComponents: 500 })).toThrow(LimitExceededError);
  });

  it('refuses hostile nesting without overflowing the stack', () => {
    const depth = 200_000;
    const deep = `{"bomFormat":"CycloneDX","specVersion":"1.6","components":${'[{"type":"library","name":"x","components":'.repeat(depth)}[]${'}]'.repeat(depth)}}`;
    expect(() => readSbom(deep, 'deep.json')).toThrow(LimitExceededError);
    const arrays = `{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(() => readSbom(arrays, 'arrays.json')).toThrow(/nests deeper than 64 levels/);
  });

  it('skips a UTF-8 byte order mark', () => {
    expect(readSbom(`\ufeff${cdx({ components: [] })}`, 'bom.json').packages).toEqual([]);
  });
});

describe('readSbom and object property names', () => {
  it('round-trips labels and metadata keys named like Object.prototype members through CycloneDX', () => {
    const image = inventory.image;
    if (!image) throw new Error('fixture has an image');
    const odd: Inventory = {
      ...inventory,
      image: { ...image, config: { ...image.config, labels: JSON.parse('{"__proto__":"x","toString":"y"}') } },
      packages: [{ ...(inventory.packages[0] as Package), metadata: JSON.parse('{"__proto__":"p","constructor":"q"}') }],
      relationships: [],
    };
    const back = readSbom(toCycloneDx(odd), 'odd.cdx.json');
    expect(Object.entries(back.image?.config.labels ?? {}).sort()).toEqual([['__proto__', 'x'], ['toString', 'y']]);
    expect(Object.entries(back.packages[0]?.metadata ?? {}).sort()).toEqual([['__proto__', 'p'], ['constructor', 'q']]);
  });
});

describe('readSbom on arbitrary JSON', () => {
  it('either reads a document or throws BadInputError, whatever the values', () => {
    const value = fc.jsonValue({ maxDepth: 4 });
    const documents = fc.oneof(
      value,
      value.map((v) => ({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [v], dependencies: v })),
      fc.record({ v: value, purl: fc.string(), name: fc.string() }).map(({ v, purl, name }) => ({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        metadata: { tools: v, component: { type: 'container', name, properties: [{ name: 'bulkhead:image:healthcheck', value: name }] } },
        components: [{ type: 'library', name, purl, licenses: [{ expression: name }], properties: [{ name: 'bulkhead:location:0:path', value: purl }] }],
      })),
      value.map((v) => ({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', packages: [v], relationships: v })),
      fc.record({ v: value, purl: fc.string(), license: fc.string() }).map(({ v, purl, license }) => ({
        spdxVersion: 'SPDX-2.2',
        SPDXID: 'SPDXRef-DOCUMENT',
        creationInfo: { creators: ['Tool: bulkhead-0'] },
        packages: [{ SPDXID: 'SPDXRef-a', name: 'a', licenseDeclared: license, externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }] }],
        hasExtractedLicensingInfos: v,
      })),
      value.map((v) => ({ schema: 'bulkhead.inventory/v1', packages: v })),
    );
    fc.assert(
      fc.property(documents, (doc) => {
        try {
          const inv = readSbom(JSON.stringify(doc) ?? 'null', 'fuzz.json');
          expect(inv.target.kind).toBe('sbom');
        } catch (error) {
          expect(error).toBeInstanceOf(BadInputError);
        }
      }),
      { numRuns: 400 },
    );
  });
});

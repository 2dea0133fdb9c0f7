import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../domain/inventory.js';
import { inventorySchema } from '../inventory-json/inventory-schema.js';
import { arbitraryInventory } from '../testdata/arbitrary-inventory.js';
import { cycloneDxPieces, toCycloneDx } from './to-cyclonedx.js';

const testdata = new URL('../testdata/', import.meta.url);
const inventory: Inventory = inventorySchema.parse(
  JSON.parse(readFileSync(new URL('app-image.inventory.json', testdata), 'utf8')),
);
const fixed = { serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79', timestamp: new Date('2024-03-02T10:00:00Z') };

// The bom-1.6 schema (and the spdx/jsf schemas it refers to) as the CycloneDX library ships them.
const schemaDir = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json')),
  'res/schema',
);
const loadSchema = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(schemaDir, name), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
// ajv-formats has neither draft-07 IRI format; these admit exactly what RFC 3987/6531 can never contain.
ajv.addFormat('iri-reference', (value: string) => ![...value].some((c) => c <= ' ' || c === '\u007f' || '<>"{}|\\^`'.includes(c)));
ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
// bom-1.6.SNAPSHOT refers to its neighbours by their SNAPSHOT file names.
for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
  const { $id: _id, ...schema } = loadSchema(name);
  ajv.addSchema(schema, `http://cyclonedx.org/schema/${name}`);
}
const validateBom = ajv.compile(loadSchema('bom-1.6.SNAPSHOT.schema.json'));

function schemaErrors(json: string): string {
  return validateBom(JSON.parse(json)) ? '' : ajv.errorsText(validateBom.errors, { separator: '\n' });
}

interface Component {
  type: string;
  name: string;
  version?: string;
  purl?: string;
  'bom-ref'?: string;
  licenses?: ({ license: { id?: string; name?: string } } | { expression: string })[];
  properties?: { name: string; value: string }[];
  hashes?: { alg: string; content: string }[];
}

describe('toCycloneDx', () => {
  const text = toCycloneDx(inventory, fixed);
  const bom = JSON.parse(text) as {
    specVersion: string;
    serialNumber: string;
    metadata: { timestamp: string; tools: { components: Component[] }; component: Component };
    components: Component[];
    dependencies: { ref: string; dependsOn?: string[] }[];
  };
  const byName = (name: string): Component => {
    const found = bom.components.find((c) => c.name === name);
    if (!found) throw new Error(`no component ${name}`);
    return found;
  };
  const props = (c: Component, name: string): string[] =>
    (c.properties ?? []).filter((p) => p.name === name).map((p) => p.value);

  it('matches the golden file', () => {
    const golden = readFileSync(new URL('app-image.cdx.json', testdata), 'utf8');
    expect(text).toBe(golden);
  });

  it('is valid against the CycloneDX 1.6 JSON schema', () => {
    expect(schemaErrors(text)).toBe('');
  });

  it('writes the same bytes for the same inventory', () => {
    expect(toCycloneDx(structuredClone(inventory) as Inventory, fixed)).toBe(text);
  });

  it('uses a fresh urn:uuid serial number and the current time when not told otherwise', () => {
    const a = JSON.parse(toCycloneDx(inventory)) as typeof bom;
    const b = JSON.parse(toCycloneDx(inventory)) as typeof bom;
    expect(a.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(Math.abs(Date.parse(a.metadata.timestamp) - Date.now())).toBeLessThan(60_000);
  });

  it('describes the image as a container with an oci purl, digest version and hash', () => {
    const root = bom.metadata.component;
    expect(root.type).toBe('container');
    expect(root.name).toBe('registry.example.com/team/app:1.4.2');
    expect(root.version).toBe(inventory.image?.manifestDigest);
    expect(root.purl).toBe(
      `pkg:oci/app@sha256%3A${inventory.image?.manifestDigest?.slice(7)}?arch=amd64&repository_url=registry.example.com/team/app&tag=1.4.2`,
    );
    expect(root.hashes).toEqual([{ alg: 'SHA-256', content: inventory.image?.manifestDigest?.slice(7) }]);
    expect(props(root, 'bulkhead:image:os')).toEqual(['linux']);
    expect(props(root, 'bulkhead:image:user')).toEqual(['app']);
    expect(props(root, 'bulkhead:image:exposedPort')).toEqual(['8080/tcp']);
    expect(props(root, 'bulkhead:image:label:maintainer')).toEqual(['Team "App" <app@example.com>']);
    expect(JSON.parse(props(root, 'bulkhead:image:entrypoint')[0] ?? '')).toEqual(['/usr/local/bin/server']);
    expect(JSON.parse(props(root, 'bulkhead:image:healthcheck')[0] ?? '').test).toEqual(['CMD', 'curl', '-f', 'http://localhost:8080/health']);
  });

  it('never writes the image environment (it holds secrets)', () => {
    expect(text).not.toContain('API_TOKEN');
  });

  it('names bulkhead and its version in metadata.tools', () => {
    expect(bom.metadata.tools.components).toEqual([{ type: 'application', name: 'bulkhead', version: '0.1.0' }]);
  });

  it('records the distro as an operating-system component', () => {
    const os = bom.components.filter((c) => c.type === 'operating-system');
    expect(os.map((c) => [c.name, c.version])).toEqual([['debian', '12']]);
  });

  it('writes every package as a component keyed by Package.id, with its purl', () => {
    const refs = new Map(bom.components.map((c) => [c['bom-ref'], c]));
    for (const pkg of inventory.packages) {
      const c = refs.get(pkg.id);
      expect(c?.purl, pkg.id).toBe(pkg.purl);
      expect(c?.name).toBe(pkg.name);
      expect(c?.version).toBe(pkg.version);
    }
    expect(bom.components.filter((c) => c.type === 'library')).toHaveLength(inventory.packages.length);
  });

  it('keeps layer, location, source package and cataloger as properties', () => {
    const libc = byName('libc6');
    expect(props(libc, 'bulkhead:layer')).toEqual([inventory.image?.layers[0]?.diffId]);
    expect(props(libc, 'bulkhead:layer:createdBy')).toEqual([inventory.image?.layers[0]?.createdBy]);
    expect(props(libc, 'bulkhead:location:0:path')).toEqual(['/var/lib/dpkg/status']);
    expect(props(libc, 'bulkhead:location:1:path')).toEqual(['/usr/share/doc/libc6/copyright']);
    expect(props(libc, 'bulkhead:source:name')).toEqual(['glibc']);
    expect(props(libc, 'bulkhead:foundBy')).toEqual(['os/dpkg']);
    expect(props(byName('@types/node'), 'bulkhead:scope')).toEqual(['dev']);
  });

  it('maps dependency scope onto CycloneDX scope: dev is excluded from the runtime', () => {
    const scopes = (name: string): string | undefined => (byName(name) as Component & { scope?: string }).scope;
    expect([scopes('@types/node'), scopes('express'), scopes('fsevents'), scopes('libc6')]).toEqual([
      'excluded',
      'required',
      'optional',
      undefined,
    ]);
  });

  it('writes SPDX ids as ids, expressions as one expression and other strings as names', () => {
    expect(byName('zlib1g').licenses).toEqual([{ license: { id: 'Zlib' } }]);
    expect(byName('libc6').licenses).toEqual([
      { expression: 'LGPL-2.1-or-later AND (GPL-2.0-or-later WITH GCC-exception-2.0)' },
    ]);
    expect(byName('tzdata').licenses).toEqual([{ license: { name: 'public-domain' } }]);
    expect(byName('org.apache.logging.log4j:log4j-core').licenses).toEqual([
      { license: { name: 'Apache License, Version 2.0' } },
    ]);
    // 'GPL-2+' is Debian's spelling, not an SPDX id: the list form keeps both kinds.
    expect(byName('bash').licenses).toEqual(
      expect.arrayContaining([{ license: { id: 'GPL-3.0-or-later' } }, { license: { name: 'GPL-2+' } }]),
    );
  });

  it('writes depends-on relationships as dependencies', () => {
    const id = (name: string): string => inventory.packages.find((p) => p.name === name)?.id ?? '';
    const deps = new Map(bom.dependencies.map((d) => [d.ref, d.dependsOn ?? []]));
    expect([...(deps.get(id('express')) ?? [])].sort()).toEqual([id('debug'), id('qs')].sort());
    expect(deps.get(id('openssl'))).toEqual([id('libssl3')]);
  });

  it('produces a schema-valid document for arbitrary names, versions and licenses', () => {
    fc.assert(
      fc.property(arbitraryInventory, (inv) => {
        const json = toCycloneDx(inv, fixed);
        expect(schemaErrors(json)).toBe('');
      }),
      { numRuns: 150 },
    );
  });
});

describe('cycloneDxPieces', () => {
  it('joins to the golden document', () => {
    expect([...cycloneDxPieces(inventory, fixed)].join('')).toBe(readFileSync(new URL('app-image.cdx.json', testdata), 'utf8'));
  });

  it('builds each component only when a piece holding it is written, a few at a time', () => {
    const { inv, licensesRead } = watchedInventory(300);
    const pieces = cycloneDxPieces(inv, fixed);
    let text = '';
    while (!text.endsWith('\n  "components": ')) {
      const piece = pieces.next();
      if (piece.done === true) throw new Error('no components list');
      text += piece.value;
    }
    expect(licensesRead).toEqual([]);
    let written = 0;
    let listPieces = 0;
    for (let piece = pieces.next(); piece.done !== true && !piece.value.includes('"dependencies"'); piece = pieces.next()) {
      text += piece.value;
      written += piece.value.split('"bom-ref"').length - 1;
      listPieces++;
      expect(licensesRead).toHaveLength(written);
    }
    expect(written).toBe(300);
    expect(listPieces).toBeGreaterThanOrEqual(10);
  });

  it('writes the same document however its pieces are consumed', () => {
    const { inv } = watchedInventory(300);
    const pieces = [...cycloneDxPieces(inv, fixed)];
    expect(pieces.join('')).toBe(toCycloneDx(inv, fixed));
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(pieces.join('').length / 5);
  });
});

/** n packages whose licenses record when they are read: the writers read them when building a package's entry. */
function watchedInventory(n: number): { inv: Inventory; licensesRead: string[] } {
  const licensesRead: string[] = [];
  const packages = Array.from({ length: n }, (_, i) => {
    const pkg = { id: `pkg-${i}`, ecosystem: 'npm', name: `p${i}`, version: '1.0.0', purl: `pkg:npm/p${i}@1.0.0`, locations: [], foundBy: 'test' };
    return Object.defineProperty(pkg, 'licenses', {
      enumerable: true,
      get: () => {
        licensesRead.push(pkg.id);
        return ['MIT'];
      },
    }) as unknown as Inventory['packages'][number];
  });
  const inv: Inventory = { ...inventory, image: undefined, distro: undefined, packages, relationships: [] };
  return { inv, licensesRead };
}

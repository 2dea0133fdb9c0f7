import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../domain/errors.js';
import { matchInventory } from '../match-inventory.js';
import { memoryAdvisoryIndex } from '../testing/memory-advisory-index.js';
import { CCS_INJECTION, HEARTBLEED_TRACKER, LODASH_GHSA } from '../testing/real-advisories.js';
import { testPackage } from '../testing/test-package.js';
import { applyVex, parseVex, readVexFile } from './index.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const index = memoryAdvisoryIndex([HEARTBLEED_TRACKER, CCS_INJECTION, LODASH_GHSA]);
const ssl = testPackage({
  ecosystem: 'deb',
  name: 'libssl1.0.0',
  version: '1.0.1e-2+deb7u4',
  purl: 'pkg:deb/debian/libssl1.0.0@1.0.1e-2%2Bdeb7u4?arch=amd64&distro=debian-7&upstream=openssl',
  source: { name: 'openssl', version: '1.0.1e-2+deb7u4' },
  distro: 'debian-7',
});
const lodash = testPackage({ ecosystem: 'npm', name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15' });
const { findings } = matchInventory({ packages: [ssl, lodash], relationships: [] }, index);

describe('applyVex', () => {
  it('OpenVEX not_affected on a subcomponent of this image suppresses that CVE for that package only; under_investigation suppresses nothing', async () => {
    const image = { configDigest: 'sha256:169db32e715f991436207f3fbbc8cb428e44947de9a66e77e65f74e3fa0ad063', repoDigests: [], repoTags: [] } as never;
    const statements = await readVexFile(path.join(here, 'testdata/heartbleed.openvex.json'));
    // The product names another image: the statement is not about this one.
    expect(applyVex(findings, statements, { configDigest: 'sha256:0000', repoDigests: [], repoTags: [] } as never).some((f) => f.suppressed)).toBe(false);
    const out = applyVex(findings, statements, image);
    const state = Object.fromEntries(out.map((f) => [f.id, f.suppressed?.status ?? 'open']));
    expect(state).toEqual({ 'CVE-2014-0160': 'open', 'CVE-2014-0224': 'not_affected', 'GHSA-p6mc-m468-83gw': 'open' });
    expect(out.find((f) => f.id === 'CVE-2014-0224')!.suppressed).toMatchObject({
      by: 'vex',
      justification: 'vulnerable_code_not_in_execute_path',
      statement: expect.stringContaining('terminates TLS'),
    });
  });

  it('CycloneDX VEX matches through the finding aliases (CVE for a GHSA finding)', async () => {
    const out = applyVex(findings, await readVexFile(path.join(here, 'testdata/lodash.cdx-vex.json')));
    expect(out.filter((f) => f.suppressed).map((f) => [f.id, f.suppressed?.justification])).toEqual([['GHSA-p6mc-m468-83gw', 'code_not_reachable']]);
  });

  it('a statement for another version does not apply', async () => {
    const body = (await readFile(path.join(here, 'testdata/lodash.cdx-vex.json'), 'utf8')).replace('lodash@4.17.15', 'lodash@4.17.14');
    expect(applyVex(findings, parseVex(body, 'x.json')).some((f) => f.suppressed)).toBe(false);
  });

  it('an image-level statement (pkg:oci with the image digest, no subcomponents) covers every package', () => {
    const digest = 'sha256:169db32e715f991436207f3fbbc8cb428e44947de9a66e77e65f74e3fa0ad063';
    const doc = JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      statements: [{ vulnerability: { name: 'CVE-2014-0160' }, products: [{ '@id': `pkg:oci/heartbleed@${digest}` }], status: 'fixed' }],
    });
    const image = { configDigest: digest, repoDigests: [], repoTags: [] } as never;
    const out = applyVex(findings, parseVex(doc, 'img.json'), image);
    expect(out.filter((f) => f.suppressed).map((f) => f.id)).toEqual(['CVE-2014-0160']);
    expect(applyVex(findings, parseVex(doc, 'img.json')).some((f) => f.suppressed)).toBe(false);
  });

  it('rejects documents that are neither format with a BadInputError', () => {
    expect(() => parseVex('{"hello":1}', 'bad.json')).toThrow(BadInputError);
    expect(() => parseVex('not json', 'bad.json')).toThrow(/not JSON/);
  });
});

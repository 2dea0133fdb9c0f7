import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createSkipLog } from '../../feed-batch.js';
import { parseSecdb } from './parse-secdb.js';

const doc = JSON.parse(readFileSync(new URL('testdata/v3.19-main.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('parseSecdb', () => {
  it('turns secfixes into fixed ranges for alpine-3.19, "0" into not-affected', () => {
    const log = createSkipLog();
    const r = parseSecdb(doc, 'main.json', log)!;
    expect(r.release).toBe('v3.19');
    const byId = new Map(r.advisories.map((a) => [a.id, a]));
    expect(byId.get('CVE-2023-5363')!.affected).toEqual([
      { ecosystem: 'apk', distro: 'alpine-3.19', name: 'openssl', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.1.4-r0' }] }], versions: [], status: 'affected' },
    ]);
    expect(byId.get('CVE-2022-1292')!.affected[0]).toMatchObject({ status: 'not-affected', ranges: [] });
    expect(byId.get('CVE-2017-8904')!.aliases).toEqual(['XSA-214']);
    expect(byId.has('XSA-214')).toBe(false);
    expect(byId.get('CVE-2023-42363')!.affected[0]!.name).toBe('busybox');
    expect(log.skipped).toBe(1);
  });

  it('reads the YAML form the same way', () => {
    const yaml = 'distroversion: v3.8\nreponame: main\npackages:\n  - pkg:\n      name: db\n      secfixes:\n        "0":\n          - CVE-2017-10140\n';
    const r = parseSecdb(parseYaml(yaml), 'main.yaml', createSkipLog())!;
    expect(r.advisories[0]).toMatchObject({ id: 'CVE-2017-10140', affected: [{ distro: 'alpine-3.8', name: 'db', status: 'not-affected' }] });
  });

  it('refuses a document that is not secdb', () => {
    const log = createSkipLog();
    expect(parseSecdb({ packages: [] }, 'x', log)).toBeUndefined();
    expect(log.skipped).toBe(1);
  });

  it('never throws on mutated documents (fuzz)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.jsonValue(), fc.constantFrom('packages', 'distroversion', 'pkg', 'secfixes', 'name'), (n, value, where) => {
        const packages = structuredClone(doc['packages']) as { pkg: Record<string, unknown> }[];
        const target = packages[n % packages.length]!;
        const mutated =
          where === 'packages' || where === 'distroversion'
            ? { ...doc, [where]: value }
            : { ...doc, packages: packages.map((p) => (p === target ? (where === 'pkg' ? { pkg: value } : { pkg: { ...p.pkg, [where]: value } }) : p)) };
        const log = createSkipLog();
        const r = parseSecdb(mutated, 'fuzz', log);
        if (r) for (const a of r.advisories) expect(a.affected.length).toBeGreaterThan(0);
        else expect(log.skipped).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { flattenLsTree } from '../lang-npm/npm-ls-tree.js';
import { npmInstalledCataloger } from './index.js';

const testdata = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

describe('lang/npm-installed on a node_modules tree installed by npm 11', () => {
  it('finds every package `npm ls --all` lists, nested and scoped', async () => {
    const out = await runCataloger(npmInstalledCataloger, await memoryFileTreeFromDirectory(testdata('npm11-tree/srv'), '/srv'));
    expect(out.warnings).toEqual([]);
    const ls = JSON.parse(readFileSync(testdata('npm11-tree/npm-ls.json'), 'utf8')) as Parameters<typeof flattenLsTree>[0];
    expect(out.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(flattenLsTree(ls));
  });

  it('resolves dependencies the way node does: nested copy first, then the parent', async () => {
    const out = await runCataloger(npmInstalledCataloger, await memoryFileTreeFromDirectory(testdata('npm11-tree/srv'), '/srv'));
    const byKey = new Map(out.packages.map((p) => [p.key, `${p.name}@${p.version}`]));
    const edges = (out.relationships ?? []).map((r) => `${byKey.get(r.from)} -> ${byKey.get(r.to)}`).sort();
    expect(edges).toEqual(['debug@2.6.9 -> ms@2.0.0', 'once@1.4.0 -> wrappy@1.0.2']);
    const wrappy = out.packages.find((p) => p.name === 'wrappy');
    expect(wrappy?.licenses).toEqual(['ISC']);
    expect(wrappy?.locations).toEqual([{ path: '/srv/app/node_modules/wrappy/package.json' }]);
  });

  it('selects only package manifests directly under node_modules/<name> or node_modules/@scope/<name>', () => {
    expect(npmInstalledCataloger.selects('/usr/lib/node_modules/npm/package.json')).toBe(true);
    expect(npmInstalledCataloger.selects('/a/node_modules/@s/n/package.json')).toBe(true);
    expect(npmInstalledCataloger.selects('/a/node_modules/x/lib/package.json')).toBe(false);
    expect(npmInstalledCataloger.selects('/a/node_modules/x/test/fixtures/node_modules/y/package.json')).toBe(false);
    expect(npmInstalledCataloger.selects('/a/package.json')).toBe(false);
    expect(npmInstalledCataloger.selects('/a/node_modules/.bin/package.json')).toBe(false);
  });

  it('skips manifests without name or version and reads the legacy licenses array', async () => {
    const out = await runCataloger(
      npmInstalledCataloger,
      memoryFileTree({
        '/app/node_modules/a/package.json': JSON.stringify({ type: 'module' }),
        '/app/node_modules/b/package.json': JSON.stringify({ name: 'b', version: '1.0.0', licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] }),
        '/app/node_modules/c/package.json': '{not json',
      }),
    );
    expect(out.packages.map((p) => [p.name, p.licenses])).toEqual([['b', ['MIT', 'Apache-2.0']]]);
    expect(out.warnings.map((w) => w.path)).toEqual(['/app/node_modules/c/package.json']);
  });
});

describe('lang/npm-installed dev scope from npm\'s hidden lockfile', () => {
  it('marks as dev exactly what `npm ls --omit=dev` leaves out', async () => {
    const out = await runCataloger(npmInstalledCataloger, await memoryFileTreeFromDirectory(testdata('npm11-dev/srv'), '/srv'));
    expect(out.warnings).toEqual([]);
    const all = flattenLsTree(JSON.parse(readFileSync(testdata('npm11-dev/npm-ls.json'), 'utf8')) as Parameters<typeof flattenLsTree>[0]);
    const prod = flattenLsTree(JSON.parse(readFileSync(testdata('npm11-dev/npm-ls-prod.json'), 'utf8')) as Parameters<typeof flattenLsTree>[0]);
    const id = (p: { name: string; version: string }): string => `${p.name}@${p.version}`;
    expect(out.packages.filter((p) => p.scope === 'dev').map(id).sort()).toEqual(all.filter((p) => !prod.includes(p)).sort());
    expect(out.packages.filter((p) => p.scope !== 'dev').map(id).sort()).toEqual(prod);
  });

  it('warns about a malformed hidden lockfile and still reports the packages', async () => {
    const out = await runCataloger(
      npmInstalledCataloger,
      memoryFileTree({ '/app/node_modules/.package-lock.json': '{"packages": 7}', '/app/node_modules/ms/package.json': '{"name":"ms","version":"2.1.3"}' }),
    );
    expect(out.packages.map((p) => p.name)).toEqual(['ms']);
    expect(out.warnings).toHaveLength(1);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { flattenLsTree } from '../lang-npm/npm-ls-tree.js';
import { npmLockCataloger } from './index.js';

const testdata = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));
const lsJson = (name: string) => JSON.parse(readFileSync(testdata(`npm11-v3/${name}`), 'utf8')) as Parameters<typeof flattenLsTree>[0];

describe('lang/npm-lock on a package-lock.json v3 written by npm 11', () => {
  it('reports what `npm ls --all` lists, with dev scope for what --omit=dev drops', async () => {
    const out = await runCataloger(npmLockCataloger, await memoryFileTreeFromDirectory(testdata('npm11-v3/srv'), '/srv'));
    expect(out.warnings).toEqual([]);
    const ids = out.packages.map((p) => `${p.name}@${p.version}`).sort();
    expect(ids).toEqual(flattenLsTree(lsJson('npm-ls.json')));
    const prod = new Set(flattenLsTree(lsJson('npm-ls-omit-dev.json')));
    const dev = out.packages.filter((p) => p.scope === 'dev').map((p) => `${p.name}@${p.version}`).sort();
    expect(dev).toEqual(ids.filter((id) => !prod.has(id)));
    const withoutOptional = new Set(flattenLsTree(lsJson('npm-ls-omit-dev-optional.json')));
    expect(out.packages.filter((p) => p.scope === 'optional').map((p) => `${p.name}@${p.version}`)).toEqual(
      [...prod].filter((id) => !withoutOptional.has(id)),
    );
  });

  it('builds purls with an encoded scope and edges to the nested copy node resolves', async () => {
    const out = await runCataloger(npmLockCataloger, await memoryFileTreeFromDirectory(testdata('npm11-v3/srv'), '/srv'));
    expect(out.packages.find((p) => p.name === '@types/ms')?.purl).toBe('pkg:npm/%40types/ms@0.7.34');
    const byKey = new Map(out.packages.map((p) => [p.key, `${p.name}@${p.version}`]));
    const edges = (out.relationships ?? []).map((r) => `${byKey.get(r.from)} -> ${byKey.get(r.to)}`).sort();
    expect(edges).toEqual(['debug@2.6.9 -> ms@2.0.0', 'once@1.4.0 -> wrappy@1.0.2']);
    expect(out.packages.find((p) => p.name === 'ms' && p.version === '2.1.3')?.licenses).toEqual(['MIT']);
    expect(out.packages[0]?.locations).toEqual([{ path: '/srv/app/package-lock.json' }]);
  });

  it('leaves out optional packages npm did not install beside an installed project, but not in a bare checkout', async () => {
    // What npm 11 writes for a project depending on chokidar 3 (fsevents is darwin-only).
    const lock = JSON.stringify({
      name: 'app',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', dependencies: { chokidar: '^3.6.0' } },
        'node_modules/chokidar': { version: '3.6.0', optionalDependencies: { fsevents: '~2.3.2' } },
        'node_modules/fsevents': { version: '2.3.3', optional: true, os: ['darwin'] },
      },
    });
    const names = async (files: Record<string, string>) =>
      (await runCataloger(npmLockCataloger, memoryFileTree(files))).packages.map((p) => `${p.name}@${p.version}`).sort();
    expect(await names({ '/app/package-lock.json': lock, '/app/node_modules/chokidar/package.json': '{}' })).toEqual(['chokidar@3.6.0']);
    expect(await names({ '/app/package-lock.json': lock })).toEqual(['chokidar@3.6.0', 'fsevents@2.3.3']);
  });

  it('ignores lockfiles inside node_modules and a package-lock.json shadowed by npm-shrinkwrap.json', () => {
    expect(npmLockCataloger.selects('/srv/app/node_modules/x/package-lock.json')).toBe(false);
    expect(npmLockCataloger.selects('/srv/app/node_modules/.package-lock.json')).toBe(false);
    expect(npmLockCataloger.selects('/srv/app/npm-shrinkwrap.json')).toBe(true);
  });

  it('turns a malformed lockfile into a warning and keeps the others', async () => {
    const good = readFileSync(testdata('npm11-v3/srv/app/package-lock.json'));
    const out = await runCataloger(
      npmLockCataloger,
      memoryFileTree({ '/a/package-lock.json': '{"packages": ', '/b/package-lock.json': good, '/c/package-lock.json': '[1,2]' }),
    );
    expect(out.warnings.map((w) => w.path)).toEqual(['/a/package-lock.json', '/c/package-lock.json']);
    expect(out.packages.length).toBe(7);
  });

  it('finishes on install paths npm never writes: an absolute one resolves nothing (it used to loop forever), empty segments fold as path.posix does', async () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': {},
        '/x': { version: '1.0.0', dependencies: { y: '1' } },
        'a//b': { version: '1.0.0', dependencies: { y: '1' } },
        'node_modules/y': { version: '2.0.0' },
      },
    };
    const out = await runCataloger(npmLockCataloger, memoryFileTree({ '/srv/package-lock.json': JSON.stringify(lock) }));
    expect(out.warnings).toEqual([]);
    const byKey = new Map(out.packages.map((p) => [p.key, p.name]));
    const edges = (out.relationships ?? []).map((r) => `${byKey.get(r.from)} -> ${byKey.get(r.to)}`).sort();
    expect(edges).toEqual(['b -> y']);
    expect(out.packages.map((p) => p.name).sort()).toEqual(['b', 'x', 'y']);
  });

  it('keeps git sources without a registry version and resolves v1 aliases', async () => {
    const v1 = {
      lockfileVersion: 1,
      dependencies: {
        'string-width-cjs': { version: 'npm:string-width@4.2.0' },
        'is-number': { version: 'git+ssh://git@github.com/jonschlinkert/is-number.git#af885e2e890b9ef0875edd2b117305119ee5bdc5', dev: true },
      },
    };
    const out = await runCataloger(npmLockCataloger, memoryFileTree({ '/p/package-lock.json': JSON.stringify(v1) }));
    expect(out.packages.map((p) => [p.name, p.version, p.scope, p.metadata?.commit])).toEqual([
      ['string-width', '4.2.0', undefined, undefined],
      ['is-number', '', 'dev', 'af885e2e890b9ef0875edd2b117305119ee5bdc5'],
    ]);
  });
});

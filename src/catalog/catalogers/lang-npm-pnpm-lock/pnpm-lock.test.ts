import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { flattenLsTree } from '../lang-npm/npm-ls-tree.js';
import { parseDependencyPath, pnpmLockCataloger } from './index.js';

const testdata = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));
const ls = (name: string) => (JSON.parse(readFileSync(testdata(`pnpm9-real/${name}`), 'utf8')) as Parameters<typeof flattenLsTree>[0][])[0] ?? {};

describe('lang/pnpm-lock', () => {
  it('reports what `pnpm ls --depth Infinity` shows for a pnpm 9 lockfile, dev scope from the importers', async () => {
    const out = await runCataloger(pnpmLockCataloger, await memoryFileTreeFromDirectory(testdata('pnpm9-real/srv'), '/srv'));
    expect(out.warnings).toEqual([]);
    const all = flattenLsTree(ls('pnpm-ls.json'));
    expect(out.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(all);
    const prod = new Set(flattenLsTree(ls('pnpm-ls-prod.json')));
    expect(out.packages.filter((p) => p.scope === 'dev').map((p) => `${p.name}@${p.version}`).sort()).toEqual(
      all.filter((id) => !prod.has(id)),
    );
    expect(out.packages.find((p) => p.name === 'is-number')?.scope).toBe('optional');
  });

  it('parses dependency paths of every lockfile generation', () => {
    expect(parseDependencyPath('/@babel/core/7.1.0_eslint@8.0.0')).toEqual({ name: '@babel/core', version: '7.1.0' });
    expect(parseDependencyPath('registry.npmjs.org/foo/1.1.0')).toEqual({ name: 'foo', version: '1.1.0' });
    expect(parseDependencyPath('/react-dom@18.2.0(react@18.2.0)')).toEqual({ name: 'react-dom', version: '18.2.0' });
    expect(parseDependencyPath('@types/ms@0.7.34')).toEqual({ name: '@types/ms', version: '0.7.34' });
    expect(parseDependencyPath('github.com/kevva/is-positive')).toBeUndefined();
    expect(parseDependencyPath('file:../local')).toBeUndefined();
  });

  it('keeps v5 dev flags and warns on an entry it cannot name', async () => {
    const v5 = ['lockfileVersion: 5.4', 'packages:', '  /a/1.0.0:', '    dev: true', '  /b/2.0.0:', '    dev: false', '  garbage:', '    dev: false', ''].join('\n');
    const out = await runCataloger(pnpmLockCataloger, memoryFileTree({ '/p/pnpm-lock.yaml': v5 }));
    expect(out.packages.map((p) => [p.name, p.version, p.scope])).toEqual([
      ['a', '1.0.0', 'dev'],
      ['b', '2.0.0', undefined],
    ]);
    expect(out.warnings).toHaveLength(1);
  });

  it('refuses a YAML alias bomb', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 12; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
    lines.push('packages: *m');
    const out = await runCataloger(pnpmLockCataloger, memoryFileTree({ '/p/pnpm-lock.yaml': lines.join('\n') }));
    expect(out.packages).toEqual([]);
    expect(out.warnings).toHaveLength(1);
  });
});

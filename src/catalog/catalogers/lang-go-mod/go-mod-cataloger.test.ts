import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { goModCataloger } from './go-mod-cataloger.js';
import { parseGoMod } from './parse-go-mod.js';

const dir = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));
const text = (name: string) => readFileSync(dir(name), 'utf8');

interface GoModEditJson {
  Module: { Path: string };
  Require?: { Path: string; Version: string; Indirect?: boolean }[];
  Exclude?: { Path: string; Version: string }[];
  Replace?: { Old: { Path: string; Version?: string }; New: { Path: string; Version?: string } }[];
}

describe('parseGoMod agrees with `go mod edit -json`', () => {
  for (const name of ['hello', 'edge']) {
    it(`parses ${name}/go.mod`, () => {
      const want = JSON.parse(text(`${name}.go-mod-edit.json`)) as GoModEditJson;
      const got = parseGoMod(text(`${name}/go.mod`));
      expect(got.module).toBe(want.Module.Path);
      expect(got.requires).toEqual((want.Require ?? []).map((r) => ({ path: r.Path, version: r.Version, indirect: r.Indirect ?? false })));
      expect(got.excludes).toEqual((want.Exclude ?? []).map((e) => ({ path: e.Path, version: e.Version })));
      expect(got.replaces).toEqual(
        (want.Replace ?? []).map((r) => ({ path: r.Old.Path, version: r.Old.Version, newPath: r.New.Path, newVersion: r.New.Version })),
      );
    });
  }

  it('rejects an unclosed block and a malformed require', () => {
    expect(() => parseGoMod('module x\nrequire (\n\ta v1\n')).toThrow(/not closed/);
    expect(() => parseGoMod('require a\n')).toThrow(/malformed require/);
  });
});

describe('goModCataloger', () => {
  it('reports the modules `go list -m all` resolves, with go.sum hashes', async () => {
    const tree = await memoryFileTreeFromDirectory(dir('hello'), '/src/hello');
    const out = await runCataloger(goModCataloger, tree);
    expect(out.warnings).toEqual([]);
    // Each line after the main module: "path version [=> newpath [newversion]]".
    const want = text('hello.go-list-m-all.txt')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [path, version, arrow, newPath, newVersion] = line.split(' ');
        if (arrow !== '=>') return `${path}@${version}`;
        return newVersion ? `${newPath}@${newVersion}` : `${path}@(devel)`;
      });
    expect(out.packages.map((p) => `${p.name}@${p.version}`)).toEqual(want);
    const sums = new Map(
      text('hello/go.sum')
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
        .filter((f) => !f[1]!.endsWith('/go.mod'))
        .map((f) => [`${f[0]}@${f[1]}`, f[2]]),
    );
    for (const p of out.packages) expect(p.metadata?.h1Digest).toBe(sums.get(`${p.name}@${p.version}`));
    expect(out.packages[0]?.purl).toBe('pkg:golang/example.com/colorfork@v0.3.0');
    expect(out.packages[0]?.locations).toEqual([{ path: '/src/hello/go.mod' }]);
  });

  it('marks indirect requirements and applies path-wide and version-specific replaces', async () => {
    const tree = memoryFileTree({ '/app/go.mod': text('edge/go.mod') });
    const out = await runCataloger(goModCataloger, tree);
    const by = new Map(out.packages.map((p) => [p.name, p]));
    expect(by.get('gopkg.in/yaml.v3')?.metadata?.indirect).toBe(true);
    expect(by.get('github.com/google/uuid')?.metadata?.indirect).toBe(false);
    expect(by.get('github.com/fork/lib')?.version).toBe('v0.9.1');
    expect(by.get('github.com/old/thing')?.metadata).toMatchObject({ replacedBy: '../thing' });
  });

  it('drops a required version that is also excluded, with a warning', async () => {
    const tree = memoryFileTree({ '/app/go.mod': 'module m\nrequire a.io/x v1.0.0\nexclude a.io/x v1.0.0\n' });
    const out = await runCataloger(goModCataloger, tree);
    expect(out.packages).toEqual([]);
    expect(out.warnings[0]?.message).toMatch(/excluded/);
  });

  it('turns a broken go.mod into a warning', async () => {
    const tree = memoryFileTree({ '/app/go.mod': 'require (\n', '/other/go.mod': 'require b.io/y v2.0.0\n' });
    const out = await runCataloger(goModCataloger, tree);
    expect(out.warnings).toHaveLength(1);
    expect(out.packages.map((p) => p.name)).toEqual(['b.io/y']);
  });

  it('skips module-cache and vendor copies', () => {
    expect(goModCataloger.selects('/root/go/pkg/mod/github.com/x/y@v1.0.0/go.mod')).toBe(false);
    expect(goModCataloger.selects('/src/app/vendor/github.com/x/go.mod')).toBe(false);
    expect(goModCataloger.selects('/src/app/go.mod')).toBe(true);
  });
});

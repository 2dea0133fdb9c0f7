import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { normalizePypiName } from '../lang-python/index.js';
import { pythonInstalledCataloger } from './index.js';

const testdata = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));
const scan = async () =>
  runCataloger(pythonInstalledCataloger, await memoryFileTreeFromDirectory(testdata('debian-12-dist-packages/usr'), '/usr'));

describe('lang/python-installed on Debian 12 dist-packages', () => {
  it('lists what `pip list` lists, names as published', async () => {
    const out = await scan();
    expect(out.warnings).toEqual([]);
    const pip = JSON.parse(readFileSync(testdata('debian-12-dist-packages/pip-list.json'), 'utf8')) as { name: string; version: string }[];
    expect(out.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(pip.map((p) => `${p.name}@${p.version}`).sort());
    expect(out.packages.find((p) => p.name === 'PyYAML')?.purl).toBe('pkg:pypi/pyyaml@6.0');
  });

  it('takes the License field, else the License classifiers, as pip inspect reports them', async () => {
    const out = await scan();
    const inspect = JSON.parse(readFileSync(testdata('debian-12-dist-packages/pip-inspect-metadata.json'), 'utf8')) as {
      name: string;
      license: string | null;
      classifier_licenses: string[];
    }[];
    for (const meta of inspect) {
      const want = meta.license ? [meta.license] : meta.classifier_licenses.map((c) => c.split('::').pop()?.trim());
      expect(out.packages.find((p) => p.name === meta.name)?.licenses, meta.name).toEqual(want);
    }
  });

  it('links Requires-Dist to installed packages, leaving extras out', async () => {
    const out = await scan();
    const byKey = new Map(out.packages.map((p) => [p.key, p.name]));
    expect((out.relationships ?? []).map((r) => `${byKey.get(r.from)} -> ${byKey.get(r.to)}`)).toEqual(['httplib2 -> pyparsing']);
  });

  it('selects only metadata inside site-packages or dist-packages', () => {
    expect(pythonInstalledCataloger.selects('/venv/lib/python3.12/site-packages/a-1.dist-info/METADATA')).toBe(true);
    expect(pythonInstalledCataloger.selects('/usr/lib/python3/dist-packages/x.egg-info')).toBe(true);
    expect(pythonInstalledCataloger.selects('/src/a-1.dist-info/METADATA')).toBe(false);
    expect(pythonInstalledCataloger.selects('/usr/lib/python3/dist-packages/a-1.dist-info/RECORD')).toBe(false);
  });

  it('prefers License-Expression and warns on metadata without a name', async () => {
    const out = await runCataloger(
      pythonInstalledCataloger,
      memoryFileTree({
        '/s/site-packages/a-1.dist-info/METADATA': 'Metadata-Version: 2.4\nName: a_b\nVersion: 1\nLicense-Expression: MIT OR Apache-2.0\nLicense: ignored\n\nbody',
        '/s/site-packages/b-1.dist-info/METADATA': 'Metadata-Version: 2.1\nSummary: x\n',
      }),
    );
    expect(out.packages.map((p) => [p.name, p.purl, p.licenses])).toEqual([['a_b', 'pkg:pypi/a-b@1', ['MIT OR Apache-2.0']]]);
    expect(out.warnings.map((w) => w.path)).toEqual(['/s/site-packages/b-1.dist-info/METADATA']);
  });

  it('normalizes names per PEP 503', () => {
    expect(normalizePypiName('Foo.Bar__baz-QUX')).toBe('foo-bar-baz-qux');
  });
});

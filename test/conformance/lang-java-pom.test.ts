/**
 * Conformance of the pom.xml cataloger against osv-scalibr's pomxml extractor
 * tests (shared/testdata/package-dbs/osv-scalibr/language/java/pomxml): for
 * every case within what one pom.xml settles on its own, the packages must
 * match scalibr's expectation; invalid inputs must become warnings. Cases that
 * need parent POM resolution, profile activation or range narrowing are
 * listed below with the reason they are out of scope.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryFileTree } from '../../src/catalog/catalogers/testing/memory-file-tree.js';
import { runCataloger } from '../../src/catalog/catalogers/testing/run-cataloger.js';
import { pomCataloger } from '../../src/catalog/catalogers/lang-java-pom/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.resolve(repoRoot, '../shared/testdata/package-dbs/osv-scalibr/language/java/pomxml');
const present = existsSync(dir);
if (!present && process.env.CI === 'true') throw new Error(`conformance data missing: ${dir} (required when CI=true)`);
if (!present) console.warn(`skipping pom.xml conformance: ${dir} not found`);

/** Cases whose expectation depends on more than the one file. */
const OUT_OF_SCOPE: Record<string, string> = {
  interpolation: 'reports the lower bound of a version range; we leave ranges out (checked separately below)',
  'with parent': 'needs the parent POM (relativePath) to be resolved',
  'transitive dependencies': 'needs dependency resolution',
  'interpolate and drop': 'needs parent resolution',
  profiles: 'reports a profile dependency; profiles are not activated here',
  'ambiguous interpolation': 'needs parent resolution',
  'plugin dependency': 'needs parent resolution',
  'explicit jar type': 'needs parent resolution',
  'with multiple classifiers': 'needs parent resolution',
  'multi version dependency': 'needs parent resolution',
};

interface Case {
  Name: string;
  InputConfig: { Path: string };
  WantPackages: { Name: string; Version?: string; Metadata: { DepGroupVals?: string[] } }[] | null;
  WantErr?: unknown;
}

describe.skipIf(!present)('pom.xml conformance (osv-scalibr pomxml)', () => {
  const cases = present
    ? (JSON.parse(readFileSync(path.join(dir, 'expected/pomxml.TestExtractor_Extract.json'), 'utf8')) as { cases: Case[] }).cases
    : [];
  const run = (file: string) =>
    runCataloger(pomCataloger, memoryFileTree({ '/src/pom.xml': readFileSync(path.join(dir, file)) }));

  for (const c of cases) {
    if (OUT_OF_SCOPE[c.Name]) continue;
    it(c.Name, async () => {
      const out = await run(c.InputConfig.Path);
      if (c.WantErr) {
        expect(out.packages).toEqual([]);
        expect(out.warnings).toHaveLength(1);
        return;
      }
      expect(out.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(
        (c.WantPackages ?? []).map((p) => `${p.Name}@${p.Version}`).sort(),
      );
      for (const want of c.WantPackages ?? []) {
        const got = out.packages.find((p) => p.name === want.Name);
        expect(got?.scope === 'dev').toBe((want.Metadata.DepGroupVals ?? []).includes('test'));
      }
    });
  }

  it('interpolation: exact versions match, the range is left out with a warning', async () => {
    const c = cases.find((x) => x.Name === 'interpolation')!;
    const out = await run(c.InputConfig.Path);
    const exact = (c.WantPackages ?? []).filter((p) => p.Name !== 'org.mine:ranged-package');
    expect(out.packages.map((p) => `${p.name}@${p.version}`)).toEqual(exact.map((p) => `${p.Name}@${p.Version}`));
    expect(out.warnings[0]?.message).toMatch(/range/);
  });
});

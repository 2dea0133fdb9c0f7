import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { tokenizeYarnV1, yarnLockCataloger } from './index.js';

const testdata = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

interface YarnTree {
  readonly name: string;
  readonly shadow?: boolean;
  readonly children?: readonly YarnTree[];
}

describe('lang/yarn-lock', () => {
  it('reports what `yarn list` shows for a yarn 1.22 lockfile', async () => {
    const out = await runCataloger(yarnLockCataloger, await memoryFileTreeFromDirectory(testdata('yarn1-real/srv'), '/srv'));
    expect(out.warnings).toEqual([]);
    const list = JSON.parse(readFileSync(testdata('yarn1-real/yarn-list.json'), 'utf8')) as { data: { trees: YarnTree[] } };
    const want = new Set<string>();
    const visit = (nodes: readonly YarnTree[]): void => {
      for (const n of nodes) {
        if (!n.shadow) want.add(n.name);
        visit(n.children ?? []);
      }
    };
    visit(list.data.trees);
    expect(out.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual([...want].sort());
    const byKey = new Map(out.packages.map((p) => [p.key, `${p.name}@${p.version}`]));
    expect((out.relationships ?? []).map((r) => `${byKey.get(r.from)} -> ${byKey.get(r.to)}`).sort()).toEqual([
      'debug@2.6.9 -> ms@2.0.0',
      'once@1.4.0 -> wrappy@1.0.2',
    ]);
  });

  it('reads berry lockfiles, skipping the root workspace and resolving aliases', async () => {
    const berry = [
      '__metadata:',
      '  version: 8',
      '  cacheKey: 10c0',
      '',
      '"app@workspace:.":',
      '  version: 0.0.0-use.local',
      '  resolution: "app@workspace:."',
      '  dependencies:',
      '    strip: "npm:strip-ansi@^6.0.0"',
      '  languageName: unknown',
      '  linkType: soft',
      '',
      '"strip@npm:strip-ansi@^6.0.0":',
      '  version: 6.0.1',
      '  resolution: "strip-ansi@npm:6.0.1"',
      '  languageName: node',
      '  linkType: hard',
      '',
    ].join('\n');
    const out = await runCataloger(yarnLockCataloger, memoryFileTree({ '/w/yarn.lock': berry }));
    expect(out.packages.map((p) => [p.name, p.version, p.purl])).toEqual([['strip-ansi', '6.0.1', 'pkg:npm/strip-ansi@6.0.1']]);
  });

  it('warns on a lockfile that is neither format', async () => {
    const out = await runCataloger(yarnLockCataloger, memoryFileTree({ '/w/yarn.lock': '  version "1"\n' }));
    expect(out.packages).toEqual([]);
    expect(out.warnings).toHaveLength(1);
  });

  it('tokenizes any input without throwing anything but an Error, in bounded output', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        try {
          const blocks = tokenizeYarnV1(text);
          expect(blocks.length).toBeLessThanOrEqual(text.split('\n').length);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 500 },
    );
    const lockish = fc.array(
      fc.oneof(
        fc.constantFrom('"a@^1", a@1:', '  version "1.0.0"', '  dependencies:', '    b "^2"', 'b@^2:', '  "version" "2.0.0"', '# c', ''),
        fc.string({ maxLength: 20 }),
      ),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(lockish, (lines) => {
        try {
          for (const block of tokenizeYarnV1(lines.join('\n'))) expect(Array.isArray(block.descriptors)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 500 },
    );
  });
});

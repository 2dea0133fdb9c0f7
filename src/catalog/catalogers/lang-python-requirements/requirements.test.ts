import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { pythonRequirementsCataloger, tokenizeRequirements } from './index.js';

const testdata = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

describe('lang/python-requirements', () => {
  it('keeps exact pins only, without warnings for the rest', async () => {
    const out = await runCataloger(pythonRequirementsCataloger, await memoryFileTreeFromDirectory(testdata('app/srv'), '/srv'));
    expect(out.warnings).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.locations[0]?.path])).toEqual([
      ['Django', '4.2.11', '/srv/app/requirements.txt'],
      ['requests', '2.31.0', '/srv/app/requirements.txt'],
      ['urllib3', '2.2.1', '/srv/app/requirements.txt'],
      ['six', '1.16.0', '/srv/app/requirements/base.txt'],
    ]);
    expect(out.packages[1]?.metadata).toEqual({ marker: 'python_version >= "3.8"' });
  });

  it('follows -r into a readable file that is not selected itself, and stops on cycles', async () => {
    const tree = memoryFileTree({
      '/p/requirements.txt': 'a==1\n-r common.in\n',
      '/p/common.in': 'b==2\n-r common.in\n-r ../../../etc/passwd\n',
    });
    const out = await runCataloger(pythonRequirementsCataloger, tree);
    expect(out.packages.map((p) => `${p.name}@${p.version} ${p.locations[0]?.path}`)).toEqual([
      'a@1 /p/requirements.txt',
      'b@2 /p/common.in',
    ]);
  });

  it('does not read requirements shipped inside installed packages', () => {
    expect(pythonRequirementsCataloger.selects('/usr/lib/python3/dist-packages/x/requirements.txt')).toBe(false);
    expect(pythonRequirementsCataloger.selects('/app/requirements-dev.txt')).toBe(true);
    expect(pythonRequirementsCataloger.selects('/app/requirements/prod.txt')).toBe(true);
  });

  it('tokenizes arbitrary text without throwing, and every pin it returns is exact', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom('a==1.0', 'b[x]===2', 'c>=1', '-r x.txt', '# c', 'd==1 \\', '  --hash=sha256:00', 'e==1.*', 'f @ https://x/f.whl'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const parsed = tokenizeRequirements(lines.join('\n'));
        for (const pin of parsed.pins) {
          expect(pin.version).toMatch(/^[A-Za-z0-9][A-Za-z0-9.+!_-]*$/);
          expect(pin.line).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

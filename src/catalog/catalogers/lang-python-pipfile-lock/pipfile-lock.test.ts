import { describe, expect, it } from 'vitest';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { pipfileLockCataloger } from './index.js';

describe('lang/pipfile-lock', () => {
  it('reads default as production and develop as dev, skipping entries without a pin', async () => {
    const lock = {
      _meta: { hash: { sha256: 'x' }, 'pipfile-spec': 6 },
      default: { requests: { hashes: [], version: '==2.31.0' }, mylib: { editable: true, path: '.' } },
      develop: { pytest: { hashes: [], version: '==8.0.0' } },
    };
    const out = await runCataloger(pipfileLockCataloger, memoryFileTree({ '/app/Pipfile.lock': JSON.stringify(lock) }));
    expect(out.packages.map((p) => [p.name, p.version, p.scope])).toEqual([
      ['requests', '2.31.0', undefined],
      ['pytest', '8.0.0', 'dev'],
    ]);
  });

  it('refuses a document over the size cap before parsing it', async () => {
    const out = await runCataloger(pipfileLockCataloger, memoryFileTree({ '/app/Pipfile.lock': `{"default": {}}` }), 8);
    expect(out.packages).toEqual([]);
    expect(out.warnings[0]?.message).toMatch(/limit/);
  });
});

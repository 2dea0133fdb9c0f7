import { describe, expect, it } from 'vitest';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { dotnetPackagesLockCataloger } from './index.js';

// NuGet lock file (version 1) as `dotnet restore --use-lock-file` writes it.
const LOCK = {
  version: 1,
  dependencies: {
    'net8.0': {
      'Serilog.Sinks.Console': { type: 'Direct', requested: '[5.0.1, )', resolved: '5.0.1', contentHash: 'x', dependencies: { Serilog: '3.1.1' } },
      Serilog: { type: 'Transitive', resolved: '3.1.1', contentHash: 'y' },
      'My.Shared': { type: 'Project', dependencies: { Serilog: '[3.1.1, )' } },
    },
    'net6.0': { Serilog: { type: 'Transitive', resolved: '3.1.1', contentHash: 'y' } },
  },
};

describe('lang/nuget-packages-lock', () => {
  it('reports resolved packages once across frameworks and skips project references', async () => {
    const out = await runCataloger(dotnetPackagesLockCataloger, memoryFileTree({ '/src/app/packages.lock.json': JSON.stringify(LOCK) }));
    expect(out.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['Serilog.Sinks.Console@5.0.1', 'Serilog@3.1.1']);
    expect(out.relationships).toHaveLength(1);
  });
});

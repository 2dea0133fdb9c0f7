import { describe, expect, it } from 'vitest';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { dotnetDepsJsonCataloger } from './index.js';

// The layout the .NET SDK writes next to a published application.
const DEPS = {
  runtimeTarget: { name: '.NETCoreApp,Version=v8.0', signature: '' },
  targets: {
    '.NETCoreApp,Version=v8.0': {
      'WebApp/1.0.0': { dependencies: { 'Serilog.Sinks.Console': '5.0.1' }, runtime: { 'WebApp.dll': {} } },
      'Serilog/3.1.1': { runtime: { 'lib/net7.0/Serilog.dll': {} } },
      'Serilog.Sinks.Console/5.0.1': { dependencies: { Serilog: '3.1.1' } },
    },
  },
  libraries: {
    'WebApp/1.0.0': { type: 'project', serviceable: false, sha512: '' },
    'Serilog/3.1.1': { type: 'package', serviceable: true, sha512: 'sha512-x', path: 'serilog/3.1.1' },
    'Serilog.Sinks.Console/5.0.1': { type: 'package', serviceable: true, sha512: 'sha512-y', path: 'serilog.sinks.console/5.0.1' },
  },
};

describe('lang/dotnet-deps-json', () => {
  it('reports libraries of type package with edges from targets', async () => {
    const out = await runCataloger(dotnetDepsJsonCataloger, memoryFileTree({ '/app/WebApp.deps.json': JSON.stringify(DEPS) }));
    expect(out.packages.map((p) => [p.name, p.version, p.purl])).toEqual([
      ['Serilog', '3.1.1', 'pkg:nuget/Serilog@3.1.1'],
      ['Serilog.Sinks.Console', '5.0.1', 'pkg:nuget/Serilog.Sinks.Console@5.0.1'],
    ]);
    expect(out.relationships).toEqual([
      { from: '/app/WebApp.deps.json#Serilog.Sinks.Console/5.0.1', to: '/app/WebApp.deps.json#Serilog/3.1.1', type: 'depends-on' },
    ]);
  });

  it('warns on a deps.json without libraries', async () => {
    const out = await runCataloger(dotnetDepsJsonCataloger, memoryFileTree({ '/app/x.deps.json': '{}' }));
    expect(out.warnings).toHaveLength(1);
  });
});

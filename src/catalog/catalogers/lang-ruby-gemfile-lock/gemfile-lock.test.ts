import { describe, expect, it } from 'vitest';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { gemfileLockCataloger } from './index.js';

// Bundler 2.x lockfile layout: source sections with specs, then PLATFORMS, DEPENDENCIES, BUNDLED WITH.
const LOCK = `GIT
  remote: https://github.com/hanami/controller.git
  revision: 027c9c0eb2b4cf2ba1e5b3e6c2cb0e9e8a0e3b52
  branch: main
  specs:
    hanami-controller (2.0.0.alpha1)
      rack (~> 2.0)

PATH
  remote: .
  specs:
    myapp (0.1.0)
      nokogiri

GEM
  remote: https://rubygems.org/
  specs:
    nokogiri (1.16.2-x86_64-linux)
      racc (~> 1.4)
    racc (1.7.3)
    rack (2.2.8.1)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  hanami-controller!
  myapp!

BUNDLED WITH
   2.4.22
`;

describe('lang/gemfile-lock', () => {
  it('reads GIT, PATH and GEM specs, platforms, edges and the Bundler version', async () => {
    const out = await runCataloger(gemfileLockCataloger, memoryFileTree({ '/app/Gemfile.lock': LOCK }));
    expect(out.warnings).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.purl, p.metadata?.source])).toEqual([
      ['hanami-controller', '2.0.0.alpha1', 'pkg:gem/hanami-controller@2.0.0.alpha1', 'git'],
      ['myapp', '0.1.0', 'pkg:gem/myapp@0.1.0', 'path'],
      ['nokogiri', '1.16.2', 'pkg:gem/nokogiri@1.16.2?platform=x86_64-linux', 'gem'],
      ['racc', '1.7.3', 'pkg:gem/racc@1.7.3', 'gem'],
      ['rack', '2.2.8.1', 'pkg:gem/rack@2.2.8.1', 'gem'],
      ['bundler', '2.4.22', 'pkg:gem/bundler@2.4.22', 'bundled-with'],
    ]);
    expect(out.packages[0]?.metadata?.commit).toBe('027c9c0eb2b4cf2ba1e5b3e6c2cb0e9e8a0e3b52');
    const byKey = new Map(out.packages.map((p) => [p.key, p.name]));
    expect((out.relationships ?? []).map((r) => `${byKey.get(r.from)} -> ${byKey.get(r.to)}`).sort()).toEqual([
      'hanami-controller -> rack',
      'myapp -> nokogiri',
      'nokogiri -> racc',
    ]);
  });
});

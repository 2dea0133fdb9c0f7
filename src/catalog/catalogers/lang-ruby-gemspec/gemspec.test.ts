import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { gemspecCataloger, parseGemspec, tokenizeRuby } from './index.js';

// The shape RubyGems (3.x) writes to specifications/ on install: Gem::Specification#to_ruby.
const RACK = `# -*- encoding: utf-8 -*-
# stub: rack 2.2.8.1 ruby lib

Gem::Specification.new do |s|
  s.name = "rack".freeze
  s.version = "2.2.8.1"

  s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
  s.metadata = { "changelog_uri" => "https://github.com/rack/rack/blob/master/CHANGELOG.md" } if s.respond_to? :metadata=
  s.require_paths = ["lib".freeze]
  s.authors = ["Leah Neukirchen".freeze]
  s.licenses = ["MIT".freeze]
  s.summary = "A modular Ruby webserver interface".freeze

  s.installed_by_version = "3.4.10" if s.respond_to? :installed_by_version

  s.specification_version = 4

  s.add_development_dependency(%q<minitest>.freeze, ["~> 5.0"])
end
`;
const NOKOGIRI = `Gem::Specification.new do |s|
  s.name = "nokogiri".freeze
  s.version = Gem::Version.new("1.16.2").freeze
  s.platform = "x86_64-linux".freeze
  s.license = "MIT".freeze
  s.add_runtime_dependency(%q<racc>.freeze, ["~> 1.4"])
end
`;
const RACC = `Gem::Specification.new do |s|
  s.name = %q{racc}
  s.version = '1.7.3'
  s.licenses = %w[Ruby BSD-2-Clause]
end
`;

describe('lang/gemspec', () => {
  it('reads installed specifications without running Ruby', async () => {
    const out = await runCataloger(
      gemspecCataloger,
      memoryFileTree({
        '/usr/local/bundle/specifications/rack-2.2.8.1.gemspec': RACK,
        '/usr/local/bundle/specifications/nokogiri-1.16.2-x86_64-linux.gemspec': NOKOGIRI,
        '/usr/local/bundle/specifications/racc-1.7.3.gemspec': RACC,
        '/usr/local/bundle/gems/rack-2.2.8.1/rack.gemspec': RACK,
      }),
    );
    expect(out.warnings).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.licenses, p.purl]).sort()).toEqual([
      ['nokogiri', '1.16.2', ['MIT'], 'pkg:gem/nokogiri@1.16.2?platform=x86_64-linux'],
      ['racc', '1.7.3', ['Ruby', 'BSD-2-Clause'], 'pkg:gem/racc@1.7.3'],
      ['rack', '2.2.8.1', ['MIT'], 'pkg:gem/rack@2.2.8.1'],
    ]);
    const byKey = new Map(out.packages.map((p) => [p.key, p.name]));
    expect((out.relationships ?? []).map((r) => `${byKey.get(r.from)} -> ${byKey.get(r.to)}`)).toEqual(['nokogiri -> racc']);
  });

  it('selects default gems too, but not gemspecs of source trees', () => {
    expect(gemspecCataloger.selects('/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec')).toBe(true);
    expect(gemspecCataloger.selects('/app/mygem.gemspec')).toBe(false);
  });

  it('resolves a version constant assigned a literal in the same file', () => {
    expect(parseGemspec("VERSION = '3.0.0'\nGem::Specification.new do |spec|\n  spec.name = 'x'\n  spec.version = VERSION\nend\n")).toMatchObject({
      name: 'x',
      version: '3.0.0',
    });
  });

  it('warns on a block cut off mid-assignment or a version it cannot read', async () => {
    const out = await runCataloger(
      gemspecCataloger,
      memoryFileTree({
        '/g/specifications/a.gemspec': 'Gem::Specification.new do |s|\n  s.name =',
        '/g/specifications/b.gemspec': 'Gem::Specification.new do |s|\n  s.name = "b"\n  s.version = B::VERSION\nend\n',
        '/g/specifications/c.gemspec': 'Gem::Specification.new do |s|\n  s.name = "c\n',
      }),
    );
    expect(out.packages).toEqual([]);
    expect(out.warnings.map((w) => w.path).sort()).toEqual(['/g/specifications/a.gemspec', '/g/specifications/b.gemspec', '/g/specifications/c.gemspec']);
  });

  it('tokenizes and parses arbitrary input without hanging or throwing non-Errors', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('Gem::Specification.new do |s|', 's.name = ', '"x"', '.freeze', '%q<', '%w[a b]', "'", '"', '#{', '[', ']', '\n', 'end', 'Gem::Version.new(', 'V = "1"'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const text = pieces.join('');
        try {
          tokenizeRuby(text);
          parseGemspec(text);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

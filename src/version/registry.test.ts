import { describe, expect, it } from 'vitest';
import { BadInputError } from '../domain/errors.js';
import { ECOSYSTEMS } from '../domain/ecosystem.js';
import { getScheme, schemeForEcosystem } from './registry.js';
import { schemeForOsvEcosystem } from './osv-ecosystem-scheme.js';
import { SCHEME_NAMES } from './scheme.js';

describe('scheme registry', () => {
  it('finds every scheme by name and by the aliases feeds use', () => {
    for (const name of SCHEME_NAMES) expect(getScheme(name).name).toBe(name);
    const aliases: Record<string, string> = {
      npm: 'semver',
      PyPI: 'pep440',
      golang: 'go',
      rubygems: 'gem',
      'crates.io': 'cargo',
      packagist: 'composer',
      debian: 'deb',
      Ubuntu: 'deb',
      alpine: 'apk',
      redhat: 'rpm',
      rocky: 'rpm',
      alma: 'rpm',
    };
    for (const [alias, name] of Object.entries(aliases)) expect(getScheme(alias).name, alias).toBe(name);
  });

  it('names the valid schemes when asked for an unknown one', () => {
    expect(() => getScheme('swift')).toThrow(BadInputError);
    expect(() => getScheme('swift')).toThrow(/valid schemes: deb, rpm, apk, semver, pep440, maven, go, gem, nuget, composer, cargo/);
  });

  it('has a scheme for every ecosystem', () => {
    for (const e of ECOSYSTEMS) expect(schemeForEcosystem(e).name).toBeTruthy();
    expect(schemeForEcosystem('pypi').name).toBe('pep440');
    expect(schemeForEcosystem('binary').compareLoose('1.1.1k', '1.1.1w')).toBe(-1);
  });

  it('maps OSV ecosystem strings, including release suffixes', () => {
    expect(schemeForOsvEcosystem('Debian:12')?.name).toBe('deb');
    expect(schemeForOsvEcosystem('Alpine:v3.19')?.name).toBe('apk');
    expect(schemeForOsvEcosystem('Rocky Linux:9')?.name).toBe('rpm');
    expect(schemeForOsvEcosystem('Hex')).toBeUndefined();
  });
});

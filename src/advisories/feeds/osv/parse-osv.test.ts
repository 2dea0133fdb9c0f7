import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSkipLog } from '../../feed-batch.js';
import { mapOsvEcosystem } from './osv-ecosystem.js';
import { parseOsvRecord } from './parse-osv.js';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8'));

describe('parseOsvRecord', () => {
  it('reads the lodash GHSA: npm names as published, fixed 4.17.19, CVSS 3.1 base score 7.4 (as GitHub and NVD publish it)', () => {
    const log = createSkipLog();
    const a = parseOsvRecord(fixture('GHSA-p6mc-m468-83gw.json'), log)!;
    expect(log.skipped).toBe(0);
    expect(a.id).toBe('GHSA-p6mc-m468-83gw');
    expect(a.aliases).toEqual(['CVE-2020-8203']);
    expect(a.source).toBe('osv:npm');
    expect(a.affected.map((p) => [p.ecosystem, p.name, p.distro])).toEqual([
      ['npm', 'lodash', undefined],
      ['npm', 'lodash-es', undefined],
    ]);
    expect(a.affected[0]!.ranges).toEqual([{ type: 'ECOSYSTEM', events: [{ introduced: '3.7.0' }, { fixed: '4.17.19' }] }]);
    expect(a.severity).toContainEqual({ source: 'ghsa', type: 'CVSS_V3', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H', score: 7.4, level: 'high' });
    expect(a.severity).toContainEqual({ source: 'ghsa', type: 'rating', level: 'high' });
    expect(a.cwes).toEqual(['CWE-1321', 'CWE-770']);
  });

  it('computes Log4Shell at 10.0 critical and keeps Maven group:artifact names', () => {
    const a = parseOsvRecord(fixture('GHSA-jfh8-c2jp-5v3q.json'), createSkipLog())!;
    expect(a.severity.find((s) => s.type === 'CVSS_V3')).toMatchObject({ score: 10, level: 'critical' });
    expect(new Set(a.affected.map((p) => p.name))).toEqual(new Set(['org.apache.logging.log4j:log4j-core']));
  });

  it('maps Debian:7 to debian-7 with the source package and keeps the explicit versions', () => {
    const a = parseOsvRecord(fixture('DSA-2896-1.json'), createSkipLog())!;
    expect(a.affected).toHaveLength(1);
    expect(a.affected[0]).toMatchObject({ ecosystem: 'deb', distro: 'debian-7', name: 'openssl', status: 'affected' });
    expect(a.affected[0]!.ranges[0]!.events).toEqual([{ introduced: '0' }, { fixed: '1.0.1e-2+deb7u5' }]);
    expect(a.affected[0]!.versions).toContain('1.0.1e-2+deb7u4');
  });

  it('normalizes PyPI names per PEP 503 and drops GIT ranges', () => {
    const a = parseOsvRecord(fixture('PYSEC-2021-63.json'), createSkipLog())!;
    expect(a.affected[0]!.name).toBe('pillow');
    expect(a.affected[0]!.ranges.map((r) => r.type)).toEqual(['ECOSYSTEM']);
  });

  it('skips with a count: unknown ecosystems, malformed events, missing ids, nothing matchable', () => {
    const base = fixture('GHSA-p6mc-m468-83gw.json');
    const log = createSkipLog();
    const pub = { ...base, affected: [{ package: { ecosystem: 'Pub', name: 'http' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }] };
    expect(parseOsvRecord(pub, log)).toBeUndefined();
    const twoKeys = { ...base, affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0', fixed: '1' }] }] }] };
    expect(parseOsvRecord(twoKeys, log)).toBeUndefined();
    expect(parseOsvRecord({ ...base, id: undefined }, log)).toBeUndefined();
    const gitOnly = { ...base, affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'GIT', events: [{ introduced: 'abc' }] }] }] };
    expect(parseOsvRecord(gitOnly, log)).toBeUndefined();
    expect(log.skipped).toBeGreaterThanOrEqual(4);
    expect(log.warnings.some((w) => w.includes('not modelled'))).toBe(true);
  });

  it('keeps the matchable part of a record when one affected entry is bad', () => {
    const base = fixture('GHSA-p6mc-m468-83gw.json');
    const log = createSkipLog();
    const mixed = { ...base, affected: [...(base['affected'] as unknown[]), { package: { ecosystem: 'Hex', name: 'plug' }, ranges: [] }] };
    expect(parseOsvRecord(mixed, log)!.affected).toHaveLength(2);
    expect(log.skipped).toBe(1);
  });

  it('truncates huge prose and refuses huge versions', () => {
    const base = fixture('GHSA-p6mc-m468-83gw.json');
    const a = parseOsvRecord({ ...base, details: 'x'.repeat(1_000_000) }, createSkipLog())!;
    expect(a.details!.length).toBeLessThan(40_000);
    const log = createSkipLog();
    const huge = { ...base, affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: '1'.repeat(10_000) }] }] }] };
    expect(parseOsvRecord(huge, log)).toBeUndefined();
  });

  it('never throws on mutated records (fuzz)', () => {
    const seeds = ['GHSA-p6mc-m468-83gw.json', 'DSA-2896-1.json', 'PYSEC-2021-63.json'].map(fixture);
    const mutate = (value: unknown, path: readonly string[], replacement: unknown): unknown => {
      if (path.length === 0) return replacement;
      if (typeof value !== 'object' || value === null) return value;
      const [head, ...rest] = path;
      const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...value };
      const keys = Object.keys(copy);
      const key = keys.length ? keys[Math.abs(Number(head)) % keys.length]! : '0';
      copy[key] = mutate(copy[key], rest, replacement);
      return copy;
    };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.array(fc.nat(), { maxLength: 6 }), fc.jsonValue(), (i, path, replacement) => {
        const log = createSkipLog();
        const a = parseOsvRecord(mutate(seeds[i], path.map(String), replacement), log);
        // Either a well-formed advisory or a counted skip, never both absent.
        if (a) expect(a.affected.length).toBeGreaterThan(0);
        else expect(log.skipped).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('mapOsvEcosystem', () => {
  it.each([
    ['Debian:12', 'deb', 'debian-12'],
    ['Ubuntu:22.04:LTS', 'deb', 'ubuntu-22.04'],
    ['Ubuntu:Pro:18.04:LTS', 'deb', 'ubuntu-pro-18.04'],
    ['Alpine:v3.19', 'apk', 'alpine-3.19'],
    ['Rocky Linux:9', 'rpm', 'rocky-9'],
    ['AlmaLinux:8', 'rpm', 'almalinux-8'],
    ['Red Hat:enterprise_linux:9::appstream', 'rpm', 'rhel-9'],
    ['crates.io', 'cargo', undefined],
    ['Packagist', 'composer', undefined],
    ['RubyGems', 'gem', undefined],
  ])('%s → %s %s', (osv, ecosystem, distro) => {
    expect(mapOsvEcosystem(osv)).toEqual(distro ? { ecosystem, distro } : { ecosystem });
  });

  it('has no target for Pub, Hex or a Debian record without a release', () => {
    expect(mapOsvEcosystem('Pub')).toBeUndefined();
    expect(mapOsvEcosystem('Hex')).toBeUndefined();
    expect(mapOsvEcosystem('Debian')).toBeUndefined();
  });
});

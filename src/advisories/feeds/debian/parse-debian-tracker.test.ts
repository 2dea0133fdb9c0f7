import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSkipLog } from '../../feed-batch.js';
import { parseDebianTracker } from './parse-debian-tracker.js';

const doc: unknown = JSON.parse(readFileSync(new URL('testdata/tracker-excerpt.json', import.meta.url), 'utf8'));

describe('parseDebianTracker', () => {
  const log = createSkipLog();
  const advisories = parseDebianTracker(doc, 'tracker', log);
  const byId = new Map(advisories.map((a) => [a.id, a]));

  it('gives Heartbleed a fixed range per release, keyed by the source package', () => {
    const a = byId.get('CVE-2014-0160')!;
    expect(a.source).toBe('debian-tracker');
    const wheezy = a.affected.find((p) => p.distro === 'debian-7')!;
    expect(wheezy).toMatchObject({ ecosystem: 'deb', name: 'openssl', status: 'affected', severity: { source: 'debian', level: 'high' } });
    expect(wheezy.ranges).toEqual([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0.1e-2+deb7u5' }] }]);
    expect(a.affected.find((p) => p.distro === 'debian-12')!.ranges[0]!.events[1]).toEqual({ fixed: '1.0.1g-1' });
  });

  it('maps resolved with fixed_version "0" to not-affected and unassigned urgency to unknown', () => {
    const buster = byId.get('CVE-2021-3450')!.affected.find((p) => p.distro === 'debian-10')!;
    expect(buster).toMatchObject({ status: 'not-affected', ranges: [], severity: { level: 'unknown' } });
  });

  it('keeps open issues unfixed, with no-dsa reasons and unimportant urgency', () => {
    expect(byId.get('CVE-2005-2541')!.affected[0]).toMatchObject({ distro: 'debian-12', name: 'tar', status: 'unfixed', ranges: [], severity: { level: 'negligible' } });
    const curl = byId.get('CVE-2024-2398')!.affected;
    expect(curl.find((p) => p.distro === 'debian-11')!.status).toBe('postponed');
    expect(curl.find((p) => p.distro === 'debian-10')!.status).toBe('will-not-fix');
    expect(curl.find((p) => p.distro === 'debian-13')).toMatchObject({ status: 'undetermined', severity: { level: 'medium' } });
  });

  it('skips unknown releases with a count', () => {
    expect(log.skipped).toBe(1);
    expect(log.warnings[0]).toContain('hamm');
  });

  it('skips malformed package and CVE entries without losing the rest', () => {
    const l = createSkipLog();
    const out = parseDebianTracker({ ...(doc as object), 'bad pkg': {}, zlib: { 'CVE-2022-37434': { releases: 'nope' } } }, 't', l);
    expect(out.map((a) => a.id).sort()).toEqual(['CVE-2005-2541', 'CVE-2014-0160', 'CVE-2021-3450', 'CVE-2024-2398']);
    expect(l.skipped).toBe(3);
    expect(parseDebianTracker([], 't', createSkipLog())).toEqual([]);
  });
});

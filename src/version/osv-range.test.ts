import { describe, expect, it } from 'vitest';
import { deb } from './deb.js';
import { go } from './go.js';
import { isAffected, type OsvAffected } from './osv-range.js';
import { pep440 } from './pep440.js';
import { semver } from './semver.js';

// Cases follow the OSV schema's "Evaluation" section and its examples of ranges.
describe('isAffected (OSV schema evaluation)', () => {
  const single: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] };

  it('treats introduced "0" as before every version and fixed as exclusive', () => {
    expect(isAffected(semver, '0.0.1', single)).toBe(true);
    expect(isAffected(semver, '0.9.9', single)).toBe(true);
    expect(isAffected(semver, '1.0.0', single)).toBe(false);
    expect(isAffected(semver, '1.0.1', single)).toBe(false);
  });

  it('treats last_affected as inclusive', () => {
    const a: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { last_affected: '1.2' }] }] };
    expect(isAffected(pep440, '0.9', a)).toBe(false);
    expect(isAffected(pep440, '1.0', a)).toBe(true);
    expect(isAffected(pep440, '1.2', a)).toBe(true);
    expect(isAffected(pep440, '1.2.post1', a)).toBe(false);
  });

  it('sorts events by version before walking them, so several introduced/fixed pairs work in any order', () => {
    const a: OsvAffected = {
      ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: '2.5.0' }, { introduced: '2.0.0' }, { fixed: '1.0.0' }, { introduced: '0' }] }],
    };
    expect(isAffected(semver, '0.5.0', a)).toBe(true);
    expect(isAffected(semver, '1.5.0', a)).toBe(false);
    expect(isAffected(semver, '2.0.0', a)).toBe(true);
    expect(isAffected(semver, '2.4.9', a)).toBe(true);
    expect(isAffected(semver, '2.5.0', a)).toBe(false);
  });

  it('stays affected after an introduced with no fix', () => {
    const a: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1:2.0-1' }] }] };
    expect(isAffected(deb, '1:1.9-1', a)).toBe(false);
    expect(isAffected(deb, '1:2.0-1', a)).toBe(true);
    expect(isAffected(deb, '2:0.1-1', a)).toBe(true);
  });

  it('ignores everything at or past a limit', () => {
    const a: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { limit: '2.0.0' }] }] };
    expect(isAffected(semver, '1.9.9', a)).toBe(true);
    expect(isAffected(semver, '2.0.0', a)).toBe(false);
  });

  it('matches the explicit versions list, exactly or by equal versions', () => {
    const a: OsvAffected = { versions: ['1.0', '1.1.0'] };
    expect(isAffected(pep440, '1.0', a)).toBe(true);
    expect(isAffected(pep440, '1.0.0', a)).toBe(true);
    expect(isAffected(pep440, '1.1', a)).toBe(true);
    expect(isAffected(pep440, '1.2', a)).toBe(false);
  });

  it('skips GIT ranges and evaluates SEMVER ranges as SemVer whatever the scheme', () => {
    const a: OsvAffected = {
      ranges: [
        { type: 'GIT', events: [{ introduced: '0' }] },
        { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.20.3' }] },
      ],
    };
    expect(isAffected(go, 'v1.20.2', a)).toBe(true);
    expect(isAffected(go, 'v0.0.0-20230101000000-abcdef123456', a)).toBe(true);
    expect(isAffected(go, 'v1.20.3', a)).toBe(false);
    expect(isAffected(go, 'v2.0.0+incompatible', a)).toBe(false);
  });

  it('does not throw on versions the scheme rejects', () => {
    expect(isAffected(semver, 'not-a-version', single)).toBe(true);
    expect(isAffected(pep440, '0.1-bulbasaur', { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.0.1' }] }] })).toBe(true);
  });
});

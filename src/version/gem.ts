/**
 * RubyGems versions as Gem::Version reads them: numeric and alphabetic
 * segments (`1.0.a2` is 1, 0, "a", 2), a version with any letter is a
 * pre-release, `-` means `.pre.`, trailing zero segments do not count, and
 * strings compare byte-wise and sort before numbers.
 */
import { compareDigits } from './compare-digits.js';
import { InvalidVersionError } from './invalid-version-error.js';
import type { Ordering, VersionScheme } from './scheme.js';

/** Gem::Version::ANCHORED_VERSION_PATTERN. */
const PATTERN = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*$/;

type Segment = string;
const isNum = (s: Segment): boolean => /^\d/.test(s);

/** canonical_segments: release part and pre-release part, each with trailing zeros dropped. */
function canonicalSegments(v: string): Segment[] {
  const normalized = v.trim().replace(/-/g, '.pre.');
  const segments = (normalized.match(/[0-9]+|[a-z]+/gi) ?? []).map((s) => (isNum(s) ? s.replace(/^0+(?=\d)/, '') : s));
  const firstString = segments.findIndex((s) => !isNum(s));
  const numeric = firstString < 0 ? segments : segments.slice(0, firstString);
  const strings = firstString < 0 ? [] : segments.slice(firstString);
  const dropZeros = (parts: Segment[]): Segment[] => {
    let end = parts.length;
    while (end > 0 && parts[end - 1] === '0') end--;
    return parts.slice(0, end);
  };
  return [...dropZeros(numeric), ...dropZeros(strings)];
}

/** Gem::Version#<=> on the segment lists, for any string (no validation). */
export function compareGemVersions(a: string, b: string): Ordering {
  const x = canonicalSegments(a);
  const y = canonicalSegments(b);
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const l = x[i] ?? '0';
    const r = y[i] ?? '0';
    if (l === r) continue;
    const ln = isNum(l);
    const rn = isNum(r);
    if (!ln && rn) return -1;
    if (ln && !rn) return 1;
    if (ln) {
      const c = compareDigits(l, r);
      if (c !== 0) return c;
      continue;
    }
    return l < r ? -1 : 1;
  }
  return 0;
}

export const isValidGemVersion = (v: string): boolean => v.length <= 1024 && PATTERN.test(v);

function check(v: string): void {
  if (!isValidGemVersion(v)) throw new InvalidVersionError('gem', v, 'malformed version number string');
}

export const gem: VersionScheme = {
  name: 'gem',
  valid: isValidGemVersion,
  compare: (a, b) => {
    check(a);
    check(b);
    return compareGemVersions(a, b);
  },
  compareLoose: compareGemVersions,
};

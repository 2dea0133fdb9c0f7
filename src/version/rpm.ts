/**
 * RPM versions: `[epoch:]version[-release]` compared the way rpm 4.18 does,
 * rpmvercmp() on the version and the release after a numeric epoch.
 *
 * rpm itself accepts nearly any byte string; `valid` follows what rpmbuild lets
 * into a Version or Release tag (alphanumerics and `._+~^`, no `-` inside
 * either part) so that obviously broken input is reported rather than ordered.
 */
import { compareDigits } from './compare-digits.js';
import { InvalidVersionError } from './invalid-version-error.js';
import type { Ordering, VersionScheme } from './scheme.js';

export interface RpmEvr {
  /** Digits of the epoch; '' when absent, which rpm treats as 0. */
  readonly epoch: string;
  readonly version: string;
  /** undefined when absent; '' for a trailing '-' with nothing after it. */
  readonly release?: string;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAlnum = (c: number): boolean => isDigit(c) || isAlpha(c);
const TILDE = 126;
const CARET = 94;

/** rpmvercmp() from rpm 4.18 lib/rpmvercmp.c, on one version or release string. */
export function rpmvercmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const at = (s: string, k: number): number => (k < s.length ? s.charCodeAt(k) : 0);
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(at(a, i)) && at(a, i) !== TILDE && at(a, i) !== CARET) i++;
    while (j < b.length && !isAlnum(at(b, j)) && at(b, j) !== TILDE && at(b, j) !== CARET) j++;

    // '~' sorts before everything, even the end of the string.
    if (at(a, i) === TILDE || at(b, j) === TILDE) {
      if (at(a, i) !== TILDE) return 1;
      if (at(b, j) !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    // '^' sorts after the end of the string but before anything else.
    if (at(a, i) === CARET || at(b, j) === CARET) {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (at(a, i) !== CARET) return 1;
      if (at(b, j) !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;

    const si = i;
    const sj = j;
    const isnum = isDigit(at(a, i));
    const inSegment = isnum ? isDigit : isAlpha;
    while (i < a.length && inSegment(at(a, i))) i++;
    while (j < b.length && inSegment(at(b, j))) j++;
    // Segments of different kinds: numeric is newer than alphabetic.
    if (sj === j) return isnum ? 1 : -1;
    const sa = a.slice(si, i);
    const sb = b.slice(sj, j);
    if (isnum) {
      const r = compareDigits(sa, sb);
      if (r !== 0) return r;
    } else if (sa !== sb) {
      return sa < sb ? -1 : 1;
    }
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** parseEVR() from rpm's rpmds.c: the epoch is the leading digits before a ':', the release follows the last '-'. */
export function parseRpmEvr(evr: string): RpmEvr {
  let k = 0;
  while (k < evr.length && isDigit(evr.charCodeAt(k))) k++;
  let epoch = '';
  let rest = evr;
  if (evr[k] === ':') {
    epoch = evr.slice(0, k) || '0';
    rest = evr.slice(k + 1);
  }
  const dash = rest.lastIndexOf('-');
  if (dash < 0) return { epoch, version: rest };
  return { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}

/**
 * rpmverCmp() as rpm 4.18 orders EVRs: epoch, then version, then release,
 * where a version with a release (even an empty one, `1.0-`) sorts after the
 * same version without one.
 */
export function compareRpmEvr(a: RpmEvr, b: RpmEvr): Ordering {
  const r = compareDigits(a.epoch, b.epoch) || rpmvercmp(a.version, b.version);
  if (r !== 0) return r;
  if (a.release === undefined || b.release === undefined) return a.release === b.release ? 0 : a.release === undefined ? -1 : 1;
  return rpmvercmp(a.release, b.release);
}

const PART = /^[A-Za-z0-9._+~^]+$/;

function invalidReason(v: string): string | undefined {
  if (v.length === 0) return 'empty';
  const { epoch, version, release } = parseRpmEvr(v);
  if (v.includes(':') && epoch === '') return 'epoch is not a number';
  if (!PART.test(version)) return version === '' ? 'version is empty' : 'version has a character outside [A-Za-z0-9._+~^]';
  if (release !== undefined && !PART.test(release)) {
    return release === '' ? 'release is empty' : 'release has a character outside [A-Za-z0-9._+~^]';
  }
  return undefined;
}

function strict(v: string): RpmEvr {
  const reason = invalidReason(v);
  if (reason) throw new InvalidVersionError('rpm', v, reason);
  return parseRpmEvr(v);
}

export const rpm: VersionScheme = {
  name: 'rpm',
  valid: (v) => invalidReason(v) === undefined,
  compare: (a, b) => compareRpmEvr(strict(a), strict(b)),
  compareLoose: (a, b) => compareRpmEvr(parseRpmEvr(a), parseRpmEvr(b)),
};

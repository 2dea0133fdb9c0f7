/**
 * Debian package versions: `[epoch:]upstream[-revision]`, ordered as Debian
 * policy 5.6.12 and dpkg's verrevcmp() say, accepted as lib/dpkg/parsehelp.c's
 * parseversion() accepts them.
 *
 * dpkg only *warns* about an upstream part that does not start with a digit or
 * about a character outside the allowed set, then compares anyway. `valid`
 * treats those warnings as rejections (that is what t-version.c asserts, and
 * no package in a Debian archive carries such a version); `compareLoose`
 * compares them the way `dpkg --compare-versions` does after the warning.
 */
import { compareDigits } from './compare-digits.js';
import { InvalidVersionError } from './invalid-version-error.js';
import { sign, type Ordering, type VersionScheme } from './scheme.js';

export interface DebVersion {
  readonly epoch: number;
  readonly upstream: string;
  /** '' when the version has no Debian revision. */
  readonly revision: string;
}

type DebParse = { ok: true; version: DebVersion; warning?: string } | { ok: false; error: string };

const INT_MAX = 2147483647;
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** parseversion() from dpkg: a hard error, or a version with at most one warning. */
export function parseDebVersion(input: string): DebParse {
  let start = 0;
  let end = input.length;
  while (start < end && isSpace(input[start]!)) start++;
  while (end > start && isSpace(input[end - 1]!)) end--;
  const s = input.slice(start, end);
  if (s === '') return { ok: false, error: 'version string is empty' };
  for (const c of s) if (isSpace(c)) return { ok: false, error: 'version string has embedded spaces' };

  let epoch = 0;
  let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    // strtol() semantics: an optional sign, then digits that must reach the colon.
    const text = s.slice(0, colon);
    const m = /^([+-]?)(\d*)$/.exec(text);
    if (text === '' || (m && m[2] === '')) return { ok: false, error: 'epoch in version is empty' };
    if (!m) return { ok: false, error: 'epoch in version is not number' };
    const digits = m[2]!.replace(/^0+(?=\d)/, '');
    if (m[1] === '-' && /[1-9]/.test(digits)) return { ok: false, error: 'epoch in version is negative' };
    if (digits.length > 10 || Number(digits) > INT_MAX) return { ok: false, error: 'epoch in version is too big' };
    epoch = Number(digits);
    rest = s.slice(colon + 1);
    if (rest === '') return { ok: false, error: 'nothing after colon in version number' };
  }
  let upstream = rest;
  let revision = '';
  const hyphen = rest.lastIndexOf('-');
  if (hyphen >= 0) {
    upstream = rest.slice(0, hyphen);
    revision = rest.slice(hyphen + 1);
    if (revision === '') return { ok: false, error: 'revision number is empty' };
  }
  if (upstream === '') return { ok: false, error: 'version number is empty' };

  const version: DebVersion = { epoch, upstream, revision };
  if (!isDigit(upstream.charCodeAt(0))) return { ok: true, version, warning: 'version number does not start with digit' };
  for (let i = 0; i < upstream.length; i++) {
    const c = upstream.charCodeAt(i);
    if (!isDigit(c) && !isAlpha(c) && !'.-+~:'.includes(upstream[i]!)) {
      return { ok: true, version, warning: 'invalid character in version number' };
    }
  }
  for (let i = 0; i < revision.length; i++) {
    const c = revision.charCodeAt(i);
    if (!isDigit(c) && !isAlpha(c) && !'.+~'.includes(revision[i]!)) {
      return { ok: true, version, warning: 'invalid character in revision number' };
    }
  }
  return { ok: true, version };
}

/** dpkg's order(): '~' before end-of-part before letters before everything else. */
function order(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126) return -1;
  return c + 256;
}

/** dpkg's verrevcmp(): alternating non-digit and digit runs. */
export function verrevcmp(a: string, b: string): Ordering {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    const si = i;
    while (i < a.length && isDigit(a.charCodeAt(i))) i++;
    const sj = j;
    while (j < b.length && isDigit(b.charCodeAt(j))) j++;
    const r = compareDigits(a.slice(si, i), b.slice(sj, j));
    if (r !== 0) return r;
  }
  return 0;
}

function compareParsed(a: DebVersion, b: DebVersion): Ordering {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return verrevcmp(a.upstream, b.upstream) || verrevcmp(a.revision, b.revision);
}

function strict(v: string): DebVersion {
  const p = parseDebVersion(v);
  if (!p.ok) throw new InvalidVersionError('deb', v, p.error);
  if (p.warning) throw new InvalidVersionError('deb', v, p.warning);
  return p.version;
}

/** Best effort for strings dpkg refuses outright: the whole string is the upstream part. */
function loose(v: string): DebVersion {
  const p = parseDebVersion(v);
  return p.ok ? p.version : { epoch: 0, upstream: v, revision: '' };
}

export const deb: VersionScheme = {
  name: 'deb',
  valid: (v) => {
    const p = parseDebVersion(v);
    return p.ok && !p.warning;
  },
  compare: (a, b) => compareParsed(strict(a), strict(b)),
  compareLoose: (a, b) => compareParsed(loose(a), loose(b)),
};

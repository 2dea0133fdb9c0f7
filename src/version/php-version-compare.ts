/**
 * PHP's version_compare() (ext/standard/versioning.c), which Composer applies
 * to normalized versions. Two deliberate differences: numeric parts compare
 * exactly, where PHP's strtol() saturates beyond 2^63-1; and two strings that
 * run out together after a trailing separator compare equal, where PHP says
 * version_compare("1.", "1.") is -1 (which would make the order irreflexive).
 */
import { compareDigits } from './compare-digits.js';
import { sign, type Ordering } from './scheme.js';

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string): boolean => /^[0-9A-Za-z]$/.test(c);

/** php_canonicalize_version(): `-_+` and other punctuation become '.', and '.' separates digit/non-digit runs. */
function canonicalize(version: string): string {
  if (version.length === 0) return '';
  let out = version[0]!;
  let lp = version[0]!;
  const isdig = (x: string): boolean => isDigit(x);
  const isndig = (x: string): boolean => !isDigit(x) && x !== '.';
  for (let i = 1; i < version.length; i++) {
    const p = version[i]!;
    const lq = out[out.length - 1];
    if (p === '-' || p === '_' || p === '+') {
      if (lq !== '.') out += '.';
    } else if ((isndig(lp) && isdig(p)) || (isdig(lp) && isndig(p))) {
      if (lq !== '.') out += '.';
      out += p;
    } else if (!isAlnum(p)) {
      if (lq !== '.') out += '.';
    } else {
      out += p;
    }
    lp = p;
  }
  return out;
}

const SPECIAL_FORMS: ReadonlyArray<readonly [string, number]> = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function compareSpecialForms(a: string, b: string): Ordering {
  const weight = (form: string): number => SPECIAL_FORMS.find(([name]) => form.startsWith(name))?.[1] ?? -1;
  return sign(weight(a) - weight(b));
}

/** version_compare($a, $b) as a sign. */
export function phpVersionCompare(origA: string, origB: string): Ordering {
  if (origA === '' || origB === '') return origA === origB ? 0 : origA === '' ? -1 : 1;
  const v1 = origA.startsWith('#') ? origA : canonicalize(origA);
  const v2 = origB.startsWith('#') ? origB : canonicalize(origB);
  // p = start of the current part, n = index of the '.' ending it (-1: none, i.e. C's NULL).
  let p1 = 0;
  let p2 = 0;
  let n1 = 0;
  let n2 = 0;
  let compare: Ordering = 0;
  while (p1 < v1.length && p2 < v2.length && n1 >= 0 && n2 >= 0) {
    n1 = v1.indexOf('.', p1);
    n2 = v2.indexOf('.', p2);
    const a = v1.slice(p1, n1 < 0 ? undefined : n1);
    const b = v2.slice(p2, n2 < 0 ? undefined : n2);
    if (isDigit(a[0]) && isDigit(b[0])) compare = compareDigits(a.match(/^\d+/)![0], b.match(/^\d+/)![0]);
    else if (!isDigit(a[0]) && !isDigit(b[0])) compare = compareSpecialForms(a, b);
    else compare = isDigit(a[0]) ? compareSpecialForms('#N#', b) : compareSpecialForms(a, '#N#');
    if (compare !== 0) break;
    if (n1 >= 0) p1 = n1 + 1;
    if (n2 >= 0) p2 = n2 + 1;
  }
  if (compare === 0) {
    if (p1 >= v1.length && p2 >= v2.length) return 0;
    if (n1 >= 0) compare = isDigit(v1[p1]) ? 1 : phpVersionCompare(v1.slice(p1), '#N#');
    else if (n2 >= 0) compare = isDigit(v2[p2]) ? -1 : phpVersionCompare('#N#', v2.slice(p2));
  }
  return compare;
}

/**
 * The lenient "semver-like" reading OSV tooling applies to npm, crates.io, Go
 * and Hex versions that are not valid SemVer: any number of dot-separated
 * numeric components (optionally after a `v`), and everything from the first
 * other character on is a pre-release/build tail. It orders valid SemVer
 * exactly as SemVer 2.0.0 precedence does, so schemes use it only as their
 * `compareLoose` fallback.
 */
import { compareDigits } from './compare-digits.js';
import type { Ordering } from './scheme.js';

interface SemverLike {
  readonly components: readonly string[];
  /** Everything after the numeric components, starting at the first non-digit, non-dot character. */
  readonly tail: string;
}

function parseSemverLike(input: string, maxComponents: number): SemverLike {
  const trimmed = input.trim();
  const s = trimmed.startsWith('v') ? trimmed.slice(1) : trimmed;
  const components: string[] = [];
  let current = '';
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      current += s[i];
      continue;
    }
    if (current !== '') components.push(current);
    current = '';
    if (s[i] !== '.') break;
  }
  if (i >= s.length && current !== '') components.push(current);
  let tail = i < s.length ? s.slice(i) : '';
  if (components.length > maxComponents) {
    // Components beyond the third are appended to the tail, as OSV's reference implementation does.
    tail += components.slice(maxComponents).map((c) => `.${c.replace(/^0+(?=\d)/, '')}`).join('');
    components.length = maxComponents;
  }
  return { components, tail };
}

const NUMERIC = /^\d+$/;

/** SemVer 2.0.0 rule 11 on dot-separated identifiers. */
export function comparePrereleaseIdentifiers(a: readonly string[], b: readonly string[]): Ordering {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xn = NUMERIC.test(x);
    const yn = NUMERIC.test(y);
    let r: Ordering;
    if (xn && yn) r = compareDigits(x, y);
    else if (xn) r = -1;
    else if (yn) r = 1;
    else r = x === y ? 0 : x < y ? -1 : 1;
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareTails(a: string, b: string): Ordering {
  // Build metadata never counts; the hyphen that opens a pre-release is not part of it.
  const x = a.split('+')[0]!.replace(/^-/, '');
  const y = b.split('+')[0]!.replace(/^-/, '');
  if (x === '' || y === '') return x === y ? 0 : x === '' ? 1 : -1;
  return comparePrereleaseIdentifiers(x.split('.'), y.split('.'));
}

/** Lenient SemVer-like comparison; never throws. */
export function compareSemverLike(a: string, b: string, maxComponents = 3): Ordering {
  const x = parseSemverLike(a, maxComponents);
  const y = parseSemverLike(b, maxComponents);
  const n = Math.max(x.components.length, y.components.length);
  for (let i = 0; i < n; i++) {
    const r = compareDigits(x.components[i] ?? '0', y.components[i] ?? '0');
    if (r !== 0) return r;
  }
  return compareTails(x.tail, y.tail);
}

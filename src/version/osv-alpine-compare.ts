/**
 * How OSV's reference implementation orders Alpine versions that apk itself
 * rejects (`0..1..0`, `6.6.2p1`, `1-r`): a forgiving field-by-field parse
 * (numbers, letter, suffixes, hash, `-r` build) with a plain string compare when
 * both sides are unparseable. Valid apk versions never reach this; they are
 * ordered by apk's own rules.
 */
import { compareDigits } from './compare-digits.js';
import { sign, type Ordering } from './scheme.js';

interface Loose {
  readonly original: string;
  readonly invalid: boolean;
  readonly numbers: readonly string[];
  readonly letter: string;
  readonly suffixes: ReadonlyArray<{ weight: number; n: string }>;
  readonly build: string;
  readonly remainder: string;
}

const SUFFIX_WEIGHT = ['alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg'];

function parse(original: string): Loose {
  let s = original;
  const nums = /^(?:\d+\.?)*/.exec(s)![0];
  const numbers = nums === '' ? [] : nums.split('.');
  s = s.slice(nums.length);
  const letter = /^[a-z]/.test(s) ? s[0]! : '';
  s = s.slice(letter.length);
  const suffixes: Array<{ weight: number; n: string }> = [];
  for (const m of s.matchAll(/_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\d*)/g)) {
    const w = SUFFIX_WEIGHT.indexOf(m[1]!);
    suffixes.push({ weight: w < 0 ? SUFFIX_WEIGHT.length : w, n: m[2] || '0' });
    if (s.startsWith(m[0])) s = s.slice(m[0].length);
  }
  const hash = /^~[0-9a-f]+/.exec(s)?.[0] ?? '';
  s = s.slice(hash.length);
  let build = '0';
  let invalid = false;
  if (s !== '') {
    const m = /^-r(\d*)/.exec(s);
    if (m) {
      build = m[1] || '0';
      s = s.slice(m[0].length);
    } else {
      invalid = true;
    }
  }
  return { original, invalid, numbers, letter, suffixes, build, remainder: s };
}

function compareNumber(a: string, ai: number, b: string, bi: number): Ordering {
  // Past the first field, a leading zero makes the field compare as a string.
  if (ai !== 0 && bi !== 0 && (a.startsWith('0') || b.startsWith('0'))) return a === b ? 0 : a < b ? -1 : 1;
  return compareDigits(a, b);
}

export function compareOsvAlpine(a: string, b: string): Ordering {
  const x = parse(a);
  const y = parse(b);
  if (x.invalid && y.invalid) return x.original === y.original ? 0 : x.original < y.original ? -1 : 1;
  const n = Math.max(x.numbers.length, y.numbers.length);
  for (let i = 0; i < n; i++) {
    const xi = i < x.numbers.length ? i : -1;
    const yi = i < y.numbers.length ? i : -1;
    // A missing field is "0" with index 0, which always compares numerically.
    const r = compareNumber(x.numbers[i] ?? '0', xi < 0 ? 0 : xi, y.numbers[i] ?? '0', yi < 0 ? 0 : yi);
    if (r !== 0) return r;
  }
  if (x.letter !== y.letter) return x.letter === '' ? -1 : y.letter === '' ? 1 : x.letter < y.letter ? -1 : 1;
  const m = Math.max(x.suffixes.length, y.suffixes.length);
  for (let i = 0; i < m; i++) {
    // OSV's reference gives a missing suffix weight 5 (that of _cvs), not "no suffix"; kept for agreement.
    const p = x.suffixes[i] ?? { weight: 5, n: '0' };
    const q = y.suffixes[i] ?? { weight: 5, n: '0' };
    const r = sign(p.weight - q.weight) || compareDigits(p.n, q.n);
    if (r !== 0) return r;
  }
  const r = compareDigits(x.build, y.build);
  if (r !== 0) return r;
  if ((x.remainder === '') !== (y.remainder === '')) return x.remainder === '' ? 1 : -1;
  return 0;
}

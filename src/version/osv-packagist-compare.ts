/**
 * How OSV's reference implementation orders Packagist versions: PHP
 * version_compare()-like, on the raw strings (a leading v dropped), with `-_+`
 * as separators, exact numbers and unknown words weighted like "dev". Unlike
 * PHP's own function it is antisymmetric, so Composer's scheme also uses it for
 * strings Composer cannot normalize.
 */
import { compareDigits } from './compare-digits.js';
import type { Ordering } from './scheme.js';

const SPECIAL = ['dev', 'a', 'b', 'rc', '#', 'p'];

function weigh(s: string): number {
  if (s.startsWith('RC')) return 3;
  const i = SPECIAL.findIndex((sp) => s.startsWith(sp));
  return i < 0 ? 0 : i;
}

const isNumber = (s: string): boolean => /^\d+$/.test(s);

function compareComponents(a: readonly string[], b: readonly string[]): Ordering {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    let r: number;
    if (isNumber(x) && isNumber(y)) r = compareDigits(x, y);
    else if (!isNumber(x) && !isNumber(y)) r = weigh(x) - weigh(y);
    else r = isNumber(x) ? weigh('#') - weigh(y) : weigh(x) - weigh('#');
    if (r !== 0) return r < 0 ? -1 : 1;
  }
  if (a.length > b.length) return isNumber(a[b.length]!) ? 1 : compareComponents(a.slice(b.length), ['#']);
  if (a.length < b.length) return isNumber(b[a.length]!) ? -1 : compareComponents(['#'], b.slice(a.length));
  return 0;
}

function components(v: string): string[] {
  return v
    .replace(/^[vV]/, '')
    .replace(/[-_+]/g, '.')
    .replace(/([^\d.])(\d)/g, '$1.$2')
    .replace(/(\d)([^\d.])/g, '$1.$2')
    .split('.');
}

export function compareOsvPackagist(a: string, b: string): Ordering {
  return compareComponents(components(a), components(b));
}


import { sign, type Ordering } from './scheme.js';

/**
 * Compares two runs of ASCII digits by numeric value without converting them:
 * advisories carry date-like and hostile components far beyond 2^53, and every
 * scheme here compares them exactly. An empty run counts as zero.
 */
export function compareDigits(a: string, b: string): Ordering {
  let i = 0;
  while (i < a.length && a.charCodeAt(i) === 48) i++;
  let j = 0;
  while (j < b.length && b.charCodeAt(j) === 48) j++;
  const la = a.length - i;
  const lb = b.length - j;
  if (la !== lb) return la < lb ? -1 : 1;
  for (; i < a.length; i++, j++) {
    const d = a.charCodeAt(i) - b.charCodeAt(j);
    if (d !== 0) return sign(d);
  }
  return 0;
}

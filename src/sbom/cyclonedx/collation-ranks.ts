/**
 * Collation ranks: the CycloneDX library sorts every list with
 * String#localeCompare. Sorting the few distinct strings once and comparing
 * their ranks afterwards gives the same order (a collation is a total
 * preorder; strings that collate equal share a rank, so ties stay ties) for
 * a fraction of the collator calls when the same names recur in every
 * component.
 */

/** The library's comparison: String#localeCompare in the default locale, which a default Collator matches. */
export const collate: (a: string, b: string) => number = new Intl.Collator().compare;

export function collationRanks(values: Iterable<string>): Map<string, number> {
  const sorted = [...new Set(values)].sort(collate);
  const ranks = new Map<string, number>();
  let rank = 0;
  let previous: string | undefined;
  for (const value of sorted) {
    if (previous !== undefined && collate(previous, value) !== 0) rank++;
    ranks.set(value, rank);
    previous = value;
  }
  return ranks;
}

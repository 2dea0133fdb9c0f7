/**
 * One vulnerability reported by two advisories for the same package (a DSA
 * and the Debian tracker's CVE entry, a GHSA and its OSV mirror) becomes one
 * finding: groups are formed by shared ids or aliases, the most specific
 * statement wins (distro data over ecosystem data, a known fix over none) and
 * the others contribute their aliases, references and ratings.
 */
import type { Finding } from '../domain/finding.js';

export interface Candidate {
  readonly finding: Finding;
  /** Higher wins: distro statements over ecosystem ones. */
  readonly specificity: number;
}

export function dedupeFindings(candidates: readonly Candidate[]): Finding[] {
  const groups: Candidate[][] = [];
  const groupOf = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const ids = [c.finding.id, ...c.finding.aliases];
    const hits = [...new Set(ids.map((id) => groupOf.get(id)).filter((g): g is Candidate[] => g !== undefined))];
    let group: Candidate[];
    if (hits.length === 0) {
      group = [];
      groups.push(group);
    } else {
      group = hits[0]!;
      // The candidate bridges several groups: fold them into the first.
      for (const other of hits.slice(1)) {
        group.push(...other);
        groups.splice(groups.indexOf(other), 1);
        for (const o of other) for (const id of [o.finding.id, ...o.finding.aliases]) groupOf.set(id, group);
      }
    }
    group.push(c);
    for (const id of ids) groupOf.set(id, group);
  }
  return groups.map(merge);
}

function merge(group: readonly Candidate[]): Finding {
  const ranked = [...group].sort(
    (a, b) =>
      b.specificity - a.specificity ||
      Number(b.finding.fixedVersions.length > 0) - Number(a.finding.fixedVersions.length > 0) ||
      b.finding.ratings.length - a.finding.ratings.length,
  );
  const best = ranked[0]!.finding;
  if (ranked.length === 1) return best;
  const aliases = new Set<string>();
  const urls = new Set<string>();
  const references = [];
  const ratingKeys = new Set<string>();
  const ratings = [];
  for (const { finding } of ranked) {
    for (const a of [finding.id, ...finding.aliases]) if (a !== best.id) aliases.add(a);
    for (const r of finding.references) {
      if (urls.has(r.url)) continue;
      urls.add(r.url);
      references.push(r);
    }
    for (const r of finding.ratings) {
      const key = `${r.source}|${r.type}|${r.vector ?? ''}|${r.level}`;
      if (ratingKeys.has(key)) continue;
      ratingKeys.add(key);
      ratings.push(r);
    }
  }
  const kev = ranked.find((c) => c.finding.kev)?.finding.kev;
  const epss = ranked.find((c) => c.finding.epss)?.finding.epss;
  const summary = best.summary ?? ranked.find((c) => c.finding.summary)?.finding.summary;
  const published = best.published ?? ranked.find((c) => c.finding.published)?.finding.published;
  return {
    ...best,
    aliases: [...aliases],
    references,
    ratings,
    ...(kev ? { kev } : {}),
    ...(epss ? { epss } : {}),
    ...(summary ? { summary } : {}),
    ...(published ? { published } : {}),
  };
}

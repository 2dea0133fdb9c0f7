/**
 * Turns CVSS vectors and textual ratings into SeverityRatings. OSV records
 * carry only vectors, so the CVSS v3.x base score is computed here (FIRST's
 * CVSS v3.1 specification, section 7.1, with its Roundup); v4 and v2 vectors
 * without a published score keep level 'unknown' unless the feed rates them.
 */
import type { SeverityLevel, SeverityRating } from '../domain/severity.js';

const AV: Record<string, number> = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 };
const AC: Record<string, number> = { L: 0.77, H: 0.44 };
const UI: Record<string, number> = { N: 0.85, R: 0.62 };
const CIA: Record<string, number> = { H: 0.56, L: 0.22, N: 0 };

function roundUp(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

/** Base score of a 'CVSS:3.0/…' or 'CVSS:3.1/…' vector; undefined when a base metric is missing or invalid. */
export function cvss3BaseScore(vector: string): number | undefined {
  if (!/^CVSS:3\.[01]\//.test(vector)) return undefined;
  const m = new Map<string, string>();
  for (const part of vector.split('/').slice(1)) {
    const [k, v] = part.split(':');
    if (k && v) m.set(k, v);
  }
  const scope = m.get('S');
  const av = AV[m.get('AV') ?? ''];
  const ac = AC[m.get('AC') ?? ''];
  const ui = UI[m.get('UI') ?? ''];
  const c = CIA[m.get('C') ?? ''];
  const i = CIA[m.get('I') ?? ''];
  const a = CIA[m.get('A') ?? ''];
  const prKey = m.get('PR');
  if (scope !== 'U' && scope !== 'C') return undefined;
  const pr = prKey === 'N' ? 0.85 : prKey === 'L' ? (scope === 'C' ? 0.68 : 0.62) : prKey === 'H' ? (scope === 'C' ? 0.5 : 0.27) : undefined;
  if (av === undefined || ac === undefined || ui === undefined || c === undefined || i === undefined || a === undefined || pr === undefined) return undefined;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15);
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return scope === 'U' ? roundUp(Math.min(impact + exploitability, 10)) : roundUp(Math.min(1.08 * (impact + exploitability), 10));
}

/** Qualitative rating of a CVSS v3/v4 score (v2 uses the same bands minus 'critical'). */
export function levelForScore(score: number, type: SeverityRating['type']): SeverityLevel {
  if (score === 0) return 'negligible';
  if (score >= 9 && type !== 'CVSS_V2') return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

/** Textual ratings as feeds write them ('MODERATE', 'unimportant', 'not yet assigned', …). */
export function levelForText(text: string): SeverityLevel {
  switch (text.trim().toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
      return 'low';
    case 'negligible':
    case 'unimportant':
    case 'none':
      return 'negligible';
    default:
      return 'unknown';
  }
}

export function ratingFromVector(source: string, type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4', vector: string, score?: number): SeverityRating {
  const s = score ?? (type === 'CVSS_V3' ? cvss3BaseScore(vector) : undefined);
  return s === undefined ? { source, type, vector, level: 'unknown' } : { source, type, vector, score: s, level: levelForScore(s, type) };
}

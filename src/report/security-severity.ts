/**
 * A finding's severity as a number, the way GitHub code scanning reads
 * `security-severity` (≥9 critical, ≥7 high, ≥4 medium, >0 low): the highest
 * CVSS score on record, else a score inside the band of the finding's level.
 */
import type { Finding } from '../domain/finding.js';
import type { SeverityLevel } from '../domain/severity.js';

const BAND_SCORE: Readonly<Record<SeverityLevel, number>> = {
  critical: 9.5,
  high: 8.0,
  medium: 5.5,
  low: 2.0,
  negligible: 0.5,
  unknown: 0.0,
};

export function securitySeverity(finding: Finding): number {
  const scores = finding.ratings.filter((r) => r.type !== 'rating' && typeof r.score === 'number').map((r) => r.score!);
  // The distro's own rating decided the level; a CVSS score from another band would contradict it.
  const best = scores.length > 0 ? Math.max(...scores) : undefined;
  if (best !== undefined && bandOf(best) === finding.severity) return best;
  return BAND_SCORE[finding.severity];
}

function bandOf(score: number): SeverityLevel {
  return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score > 0 ? 'low' : 'unknown';
}

/** Severity levels and scores, as distros, ecosystems and NVD state them. */
export const SEVERITY_LEVELS = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

/** Higher is worse; 'unknown' ranks lowest so it never hides a known rating. */
export const SEVERITY_RANK: Record<SeverityLevel, number> = {
  critical: 5,
  high: 4,
  medium: 3,
  low: 2,
  negligible: 1,
  unknown: 0,
};

export interface SeverityRating {
  /** Who said so: 'debian', 'alpine', 'ghsa', 'nvd', 'osv', … */
  readonly source: string;
  readonly type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'rating';
  readonly vector?: string;
  readonly score?: number;
  readonly level: SeverityLevel;
}

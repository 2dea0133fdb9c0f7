/**
 * NVD CVE API 2.0 (`{ vulnerabilities: [{ cve }] }`, or one bare `cve`
 * object as mirrors store them) → enrichment: CVSS v4.0/v3.x/v2 vectors and
 * scores, CWEs, publication date and description. NVD is never matched
 * against (its CPE data is the main source of false positives elsewhere);
 * rejected CVEs carry nothing useful and are left out.
 */
import { z } from 'zod';
import type { SeverityRating } from '../../../domain/severity.js';
import { levelForScore, levelForText } from '../../cvss-rating.js';
import type { EnrichmentRecord, SkipLog } from '../../feed-batch.js';
import { CVE_ID, RECORD_BOUNDS, truncate } from '../../record-bounds.js';

const cvssData = z.object({ version: z.string().max(8), vectorString: z.string().max(512), baseScore: z.number().min(0).max(10), baseSeverity: z.string().max(16).optional() });
const metric = z.object({ source: z.string().max(128).optional(), type: z.string().max(16).optional(), cvssData, baseSeverity: z.string().max(16).optional() });

const nvdCve = z.object({
  id: z.string().regex(CVE_ID),
  published: z.string().max(64).optional(),
  vulnStatus: z.string().max(64).optional(),
  descriptions: z.array(z.object({ lang: z.string().max(16), value: z.string() })).max(50).optional(),
  metrics: z
    .object({
      cvssMetricV40: z.array(z.unknown()).max(20).optional(),
      cvssMetricV31: z.array(z.unknown()).max(20).optional(),
      cvssMetricV30: z.array(z.unknown()).max(20).optional(),
      cvssMetricV2: z.array(z.unknown()).max(20).optional(),
    })
    .optional(),
  weaknesses: z.array(z.object({ description: z.array(z.object({ value: z.string().max(64) })).max(50) })).max(50).optional(),
});

const METRICS = [
  ['cvssMetricV40', 'CVSS_V4'],
  ['cvssMetricV31', 'CVSS_V3'],
  ['cvssMetricV30', 'CVSS_V3'],
  ['cvssMetricV2', 'CVSS_V2'],
] as const;

function ratings(metrics: z.infer<typeof nvdCve>['metrics']): SeverityRating[] {
  const out: SeverityRating[] = [];
  for (const [key, type] of METRICS) {
    for (const raw of metrics?.[key] ?? []) {
      const m = metric.safeParse(raw);
      if (!m.success) continue;
      const text = m.data.cvssData.baseSeverity ?? m.data.baseSeverity;
      const level = text ? levelForText(text) : levelForScore(m.data.cvssData.baseScore, type);
      // Primary scores are NVD's own; secondary ones come from the CNA.
      const source = m.data.type === 'Secondary' ? `nvd-cna:${m.data.source ?? 'unknown'}` : 'nvd';
      out.push({ source, type, vector: m.data.cvssData.vectorString, score: m.data.cvssData.baseScore, level });
    }
  }
  return out;
}

export function parseNvdCve(value: unknown, log: SkipLog): EnrichmentRecord | undefined {
  const parsed = nvdCve.safeParse(value);
  if (!parsed.success) {
    log.skip(`NVD record ${JSON.stringify((value as { id?: unknown })?.id ?? '?').slice(0, 40)}: malformed (${parsed.error.issues[0]?.path.join('.')})`);
    return undefined;
  }
  const c = parsed.data;
  if (c.vulnStatus === 'Rejected') return undefined;
  const cwes = new Set<string>();
  for (const w of c.weaknesses ?? []) for (const d of w.description) if (/^CWE-\d{1,6}$/.test(d.value)) cwes.add(d.value);
  const summary = c.descriptions?.find((d) => d.lang === 'en')?.value;
  return {
    cve: c.id,
    kind: 'nvd',
    data: {
      severity: ratings(c.metrics),
      cwes: [...cwes],
      ...(c.published ? { published: c.published } : {}),
      ...(summary ? { summary: truncate(summary, RECORD_BOUNDS.maxSummaryChars) } : {}),
    },
  };
}

/** An API 2.0 response page or a single cve object. */
export function parseNvdDocument(value: unknown, origin: string, log: SkipLog): EnrichmentRecord[] {
  const page = value as { vulnerabilities?: unknown };
  const items: unknown[] = Array.isArray(page?.vulnerabilities) ? page.vulnerabilities.map((v) => (v as { cve?: unknown })?.cve) : [value];
  if (items.length === 0 && !Array.isArray(page?.vulnerabilities)) log.skip(`${origin}: not an NVD document`);
  const out: EnrichmentRecord[] = [];
  for (const item of items) {
    const r = parseNvdCve(item, log);
    if (r) out.push(r);
  }
  return out;
}

export function isNvdDocument(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v['vulnerabilities']) && ('resultsPerPage' in v || 'totalResults' in v || (v['format'] as string | undefined)?.startsWith('NVD_CVE'))) return true;
  return typeof v['id'] === 'string' && CVE_ID.test(v['id']) && ('sourceIdentifier' in v || 'descriptions' in v) && 'vulnStatus' in v;
}

/**
 * CISA's Known Exploited Vulnerabilities catalogue
 * (known_exploited_vulnerabilities.json) → enrichment: the KEV flag with the
 * date added, the remediation due date and known ransomware use.
 */
import { z } from 'zod';
import type { EnrichmentRecord, SkipLog } from '../../feed-batch.js';
import { CVE_ID } from '../../record-bounds.js';

const kevEntry = z.object({
  cveID: z.string().regex(CVE_ID),
  vulnerabilityName: z.string().max(1024).optional(),
  dateAdded: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
  dueDate: z.string().max(32).optional(),
  knownRansomwareCampaignUse: z.string().max(32).optional(),
});

export function isKevDocument(value: unknown): boolean {
  const v = value as { catalogVersion?: unknown; vulnerabilities?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.catalogVersion === 'string' && Array.isArray(v.vulnerabilities);
}

export function parseKev(value: unknown, origin: string, log: SkipLog): EnrichmentRecord[] {
  if (!isKevDocument(value)) {
    log.skip(`${origin}: not a CISA KEV document`);
    return [];
  }
  const out: EnrichmentRecord[] = [];
  for (const raw of (value as { vulnerabilities: unknown[] }).vulnerabilities) {
    const e = kevEntry.safeParse(raw);
    if (!e.success) {
      log.skip(`${origin}: malformed KEV entry ${JSON.stringify((raw as { cveID?: unknown })?.cveID ?? '?').slice(0, 40)}`);
      continue;
    }
    out.push({
      cve: e.data.cveID,
      kind: 'kev',
      data: {
        dateAdded: e.data.dateAdded,
        ...(e.data.dueDate ? { dueDate: e.data.dueDate } : {}),
        knownRansomware: e.data.knownRansomwareCampaignUse === 'Known',
        ...(e.data.vulnerabilityName ? { name: e.data.vulnerabilityName } : {}),
      },
    });
  }
  return out;
}

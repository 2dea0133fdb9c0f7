/**
 * FIRST EPSS daily scores (epss_scores-YYYY-MM-DD.csv, usually gzipped):
 * a `#model_version:…,score_date:…` comment line, a `cve,epss,percentile`
 * header, then one CVE per line. → enrichment epss.
 */
import type { EnrichmentRecord, SkipLog } from '../../feed-batch.js';
import { CVE_ID } from '../../record-bounds.js';

export function isEpssCsv(head: string): boolean {
  return /^(#model_version|cve,epss,percentile)/.test(head.trimStart());
}

export function parseEpssCsv(text: string, origin: string, log: SkipLog): EnrichmentRecord[] {
  const out: EnrichmentRecord[] = [];
  let date: string | undefined;
  let sawHeader = false;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /score_date:(\d{4}-\d{2}-\d{2})/.exec(line);
      if (m) date = m[1];
      continue;
    }
    if (!sawHeader && line.startsWith('cve,')) {
      sawHeader = true;
      continue;
    }
    const [cve, epss, percentile, ...rest] = line.split(',');
    const score = Number(epss);
    const pct = Number(percentile);
    if (rest.length > 0 || !cve || !CVE_ID.test(cve) || !(score >= 0 && score <= 1) || !(pct >= 0 && pct <= 1) || epss === '' || percentile === '') {
      log.skip(`${origin}: malformed EPSS line ${JSON.stringify(line.slice(0, 80))}`);
      continue;
    }
    out.push({ cve, kind: 'epss', data: { score, percentile: pct, ...(date ? { date } : {}) } });
  }
  if (!sawHeader) log.skip(`${origin}: no "cve,epss,percentile" header`);
  return out;
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSkipLog } from '../../feed-batch.js';
import { isNvdDocument, parseNvdDocument } from './parse-nvd.js';

const page: unknown = JSON.parse(readFileSync(new URL('testdata/cves-page.json', import.meta.url), 'utf8'));

describe('parseNvdDocument', () => {
  it('keeps CVSS v3.1 and v2 scores, CWEs and the English description; drops rejected CVEs', () => {
    const log = createSkipLog();
    const out = parseNvdDocument(page, 'page', log);
    expect(isNvdDocument(page)).toBe(true);
    expect(out).toHaveLength(1);
    const e = out[0]!;
    expect(e.cve).toBe('CVE-2014-0160');
    expect(e.kind).toBe('nvd');
    if (e.kind !== 'nvd') return;
    expect(e.data.severity).toEqual([
      { source: 'nvd', type: 'CVSS_V3', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', score: 7.5, level: 'high' },
      { source: 'nvd', type: 'CVSS_V2', vector: 'AV:N/AC:L/Au:N/C:P/I:N/A:N', score: 5, level: 'medium' },
    ]);
    expect(e.data.cwes).toEqual(['CWE-125']);
    expect(e.data.summary).toMatch(/^The \(1\) TLS/);
    expect(log.skipped).toBe(0);
  });

  it('reads a bare cve object as mirrors store it, and counts malformed ones', () => {
    const cve = (page as { vulnerabilities: { cve: unknown }[] }).vulnerabilities[0]!.cve;
    expect(isNvdDocument(cve)).toBe(true);
    expect(parseNvdDocument(cve, 'one', createSkipLog())).toHaveLength(1);
    const log = createSkipLog();
    expect(parseNvdDocument({ vulnerabilities: [{ cve: { id: 'nope' } }], totalResults: 1 }, 'bad', log)).toEqual([]);
    expect(log.skipped).toBe(1);
  });
});

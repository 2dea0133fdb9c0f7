import { describe, expect, it } from 'vitest';
import { createSkipLog } from '../../feed-batch.js';
import { isEpssCsv, parseEpssCsv } from './parse-epss.js';

// The layout of FIRST's epss_scores-YYYY-MM-DD.csv (model v2023.03.01); scores are illustrative.
const CSV = `#model_version:v2023.03.01,score_date:2024-06-01T00:00:00+0000
cve,epss,percentile
CVE-2014-0160,0.97330,0.99922
CVE-2021-44228,0.97560,0.99995
CVE-2024-0001,1.5,0.1
garbage
`;

describe('parseEpssCsv', () => {
  it('reads score, percentile and the score date; skips out-of-range and malformed lines', () => {
    expect(isEpssCsv(CSV)).toBe(true);
    const log = createSkipLog();
    const out = parseEpssCsv(CSV, 'epss', log);
    expect(out).toEqual([
      { cve: 'CVE-2014-0160', kind: 'epss', data: { score: 0.9733, percentile: 0.99922, date: '2024-06-01' } },
      { cve: 'CVE-2021-44228', kind: 'epss', data: { score: 0.9756, percentile: 0.99995, date: '2024-06-01' } },
    ]);
    expect(log.skipped).toBe(2);
  });
});

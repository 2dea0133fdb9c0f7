import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSkipLog } from '../../feed-batch.js';
import { parseKev } from './parse-kev.js';

const doc: unknown = JSON.parse(readFileSync(new URL('testdata/kev-excerpt.json', import.meta.url), 'utf8'));

describe('parseKev', () => {
  it('flags CVEs with the date added, due date and ransomware use; skips malformed entries', () => {
    const log = createSkipLog();
    const out = parseKev(doc, 'kev', log);
    expect(out).toEqual([
      { cve: 'CVE-2014-0160', kind: 'kev', data: { dateAdded: '2022-05-04', dueDate: '2022-05-25', knownRansomware: false, name: 'OpenSSL Information Disclosure Vulnerability' } },
      { cve: 'CVE-2021-44228', kind: 'kev', data: { dateAdded: '2021-12-10', dueDate: '2021-12-24', knownRansomware: true, name: 'Apache Log4j2 Remote Code Execution Vulnerability' } },
    ]);
    expect(log.skipped).toBe(1);
  });

  it('refuses a document that is not the KEV catalogue', () => {
    const log = createSkipLog();
    expect(parseKev({ vulnerabilities: [] }, 'x', log)).toEqual([]);
    expect(log.skipped).toBe(1);
  });
});

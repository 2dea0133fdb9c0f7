/**
 * The console's advisory index follows the database file as `db update` and
 * imports replace it, and an index handed out before a replacement keeps
 * answering (a re-evaluation may be using it between two awaits).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_RECORDS, demoAdvisoryDatabase } from '../../../test/support/demo-assessment.js';
import { consoleAdvisoryIndex } from './console-advisory-index.js';

describe('consoleAdvisoryIndex', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-advisory-index-'));
  const file = path.join(dir, 'advisories.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a missing database as a problem, then follows replacements without breaking older indexes', () => {
    const missing = consoleAdvisoryIndex(file);
    expect(missing.index).toBeUndefined();
    expect(missing.problem).toMatch(/no advisory database/);

    demoAdvisoryDatabase(file, [DEMO_RECORDS.lodash]);
    const first = consoleAdvisoryIndex(file).index!;
    expect(consoleAdvisoryIndex(file).index).toBe(first);
    expect(first.lookup('deb', 'openssl', 'debian-7')).toEqual([]);

    demoAdvisoryDatabase(file);
    const second = consoleAdvisoryIndex(file).index!;
    expect(second.snapshot).not.toBe(first.snapshot);
    expect(second.lookup('deb', 'openssl', 'debian-7').map((a) => a.id).sort()).toEqual(['CVE-2014-0160', 'CVE-2014-0224']);
    // The index handed out before the replacement still answers from the file it opened.
    expect(first.lookup('npm', 'lodash').map((a) => a.id)).toEqual(['GHSA-p6mc-m468-83gw']);
  });
});

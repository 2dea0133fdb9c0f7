import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHostAudit } from '../run-host-audit.js';
import type { HostAuditReport } from '../run-host-audit.js';
import { renderHostJson } from './host-json.js';
import { renderHostJunit } from './host-junit.js';
import { renderHostSarif } from './host-sarif.js';
import { renderHostTable } from './host-table.js';

const require = createRequire(import.meta.url);

/** An offline host filesystem built in a temp dir: the expected modes come from `stat`. */
describe('host audit reports over an offline root', () => {
  let root: string;
  let outside: string;
  let report: HostAuditReport;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'bulkhead-host-unit-'));
    outside = mkdtempSync(path.join(tmpdir(), 'bulkhead-host-outside-'));
    mkdirSync(path.join(root, 'etc', 'docker'), { recursive: true });
    mkdirSync(path.join(root, 'etc', 'default'), { recursive: true });
    writeFileSync(path.join(root, 'etc', 'docker', 'daemon.json'), JSON.stringify({ 'no-new-privileges': true, tlsverify: true, tlskey: '/etc/docker/key.pem', hosts: ['tcp://0.0.0.0:2376'] }));
    writeFileSync(path.join(root, 'etc', 'docker', 'key.pem'), 'key\n');
    chmodSync(path.join(root, 'etc', 'docker', 'key.pem'), 0o640);
    writeFileSync(path.join(outside, 'docker'), 'DOCKER_OPTS=\n');
    // A link that leaves the audited root must not be followed.
    symlinkSync(path.join(outside, 'docker'), path.join(root, 'etc', 'default', 'docker'));
    report = await runHostAudit({ root });
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const find = (id: string) => report.results.find((r) => r.id === id)!;

  it('reads daemon.json and file modes inside the root and refuses links that leave it', () => {
    const keyMode = Number.parseInt(execFileSync('stat', ['-c', '%a', path.join(root, 'etc', 'docker', 'key.pem')], { encoding: 'utf8' }).trim(), 8);
    expect(find('3.14')).toMatchObject({ status: (keyMode & ~0o400) === 0 ? 'pass' : 'fail', evidence: [{ subject: '/etc/docker/key.pem', field: 'mode', value: keyMode.toString(8) }] });
    expect(find('2.7').status).toBe('pass');
    expect(find('2.14').status).toBe('pass');
    expect(find('3.19')).toMatchObject({ status: 'warn' });
    expect(find('3.19').reason).toMatch(/links outside the audited root/);
    expect(report.results.every((r) => r.status !== 'warn' || r.reason)).toBe(true);
  });

  it('sarif validates against the SARIF 2.1.0 schema', () => {
    const sarif = JSON.parse(renderHostSarif(report, '0.0.0'));
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats.default(ajv);
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    const validate = ajv.compile(schema);
    expect(validate(sarif), ajv.errorsText(validate.errors)).toBe(true);
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain('CIS-Docker-3.14');
  });

  it('junit has a testcase per check; json carries the summary; table groups by section', () => {
    const junit = renderHostJunit(report);
    expect((junit.match(/<testcase /g) ?? []).length).toBe(report.results.length);
    expect((junit.match(/<testsuite /g) ?? []).length).toBe(7);
    const json = JSON.parse(renderHostJson(report));
    expect(json.schema).toBe('bulkhead.host-audit/v1');
    expect(json.summary.counts.fail).toBe(report.results.filter((r) => r.status === 'fail').length);
    const table = renderHostTable(report);
    expect(table).toMatch(/^\[3\] Docker daemon configuration files$/m);
    expect(table).toMatch(/^Score: /m);
  });
});

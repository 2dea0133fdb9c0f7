import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUILT_IN_POLICY_PATH } from '../policy/built-in-policy.js';
import { registerPolicyCommand } from './policy.js';

let out: string[];
let err: string[];

beforeEach(() => {
  out = [];
  err = [];
  process.exitCode = undefined;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function run(...args: string[]): Promise<number> {
  const program = new Command('bulkhead').option('--debug').exitOverride();
  registerPolicyCommand(program);
  await program.parseAsync(['node', 'bulkhead', ...args]);
  return Number(process.exitCode ?? 0);
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'bulkhead-policy-'));
}

describe('bulkhead policy', () => {
  it('lint: 0 for a valid policy, 2 with file:line problems for a broken one', async () => {
    expect(await run('policy', 'lint', BUILT_IN_POLICY_PATH)).toBe(0);
    expect(out.join('')).toContain('ok — bulkhead-default');
    const dir = await tempDir();
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'version: 1\nname: x\nrules:\n  - id: a\n    description: d\n    effect: block\n    vulnerabilities:\n      epss: 2\n');
    expect(await run('policy', 'lint', bad)).toBe(2);
    expect(err.join('')).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:8: epss: `));
  });

  it('test: 0 when every case passes, 1 when one fails', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'policy.yaml'), 'version: 1\nname: x\nrules:\n  - id: no-root\n    description: d\n    effect: block\n    config: {notRoot: true}\n');
    const fixtures = join(dir, 'tests');
    await (await import('node:fs/promises')).mkdir(fixtures);
    const fixture = (verdict: string) =>
      `policy: ../policy.yaml\nnow: 2026-01-01T00:00:00Z\ncases:\n  - name: root\n    subject:\n      image: {reference: debian:12}\n    expect:\n      verdict: ${verdict}\n      violations: [no-root]\n`;
    await writeFile(join(fixtures, 'a.yaml'), fixture('block'));
    expect(await run('policy', 'test', fixtures)).toBe(0);
    expect(out.join('')).toContain('PASS');
    await writeFile(join(fixtures, 'a.yaml'), fixture('allow'));
    expect(await run('policy', 'test', fixtures)).toBe(1);
    expect(out.join('')).toContain('verdict: expected allow, got block');
  });

  it('test: fixtures carry API requests for access rules', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'policy.yaml'), [
      'version: 1', 'name: x', 'rules:',
      '  - id: prod-exec', '    description: only ops exec into prod', '    effect: block',
      '    access: {actions: [exec.*], allowGroups: [ops], targetLabels: {env: prod}}', '',
    ].join('\n'));
    const request = (groups: string, env: string) =>
      `      access: {action: exec.create, user: alice, groups: [${groups}], targetLabels: {env: ${env}}, image: docker.io/library/debian:12}\n`;
    const file = join(dir, 'access.yaml');
    await writeFile(file, [
      'policy: policy.yaml', 'cases:',
      '  - name: a developer execs into prod', '    subject:', request('dev', 'prod') + '    expect: {verdict: block, violations: [prod-exec]}',
      '  - name: ops execs into prod', '    subject:', request('ops', 'prod') + '    expect: {verdict: allow, violations: []}',
      '  - name: a developer execs into staging', '    subject:', request('dev', 'staging') + '    expect: {verdict: allow}',
      '  - name: no request, no access decision', '    subject: {}', '    expect: {verdict: allow}', '',
    ].join('\n'));
    expect(await run('policy', 'test', file)).toBe(0);
    expect(out.join('')).not.toContain('FAIL');
    await writeFile(file, ['policy: policy.yaml', 'cases:', '  - name: x', '    subject:', '      access: {groups: [ops]}', '    expect: {verdict: allow}', ''].join('\n'));
    await expect(run('policy', 'test', file)).rejects.toThrow(/access\.yaml:5: cases\.0\.subject\.access\.action: /);
  });

  it('test: a fixture with an unknown key fails with file:line', async () => {
    const dir = await tempDir();
    const file = join(dir, 'f.yaml');
    await writeFile(file, `policy: ${BUILT_IN_POLICY_PATH}\ncases:\n  - name: x\n    subject:\n      pakages: []\n    expect: {verdict: allow}\n`);
    await expect(run('policy', 'test', file)).rejects.toThrow(/f\.yaml:5: unknown key "pakages"/);
  });

  it('init: writes the default policy and refuses to overwrite without --force', async () => {
    const dir = await tempDir();
    const file = join(dir, 'policy.yaml');
    expect(await run('policy', 'init', file)).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(await readFile(BUILT_IN_POLICY_PATH, 'utf8'));
    await expect(run('policy', 'init', file)).rejects.toThrow(/exists; use --force/);
    expect(await run('policy', 'init', file, '--force')).toBe(0);
  });
});

describe('policy explain rendering', () => {
  it('shows what fired on what, what did not apply and why, and the exceptions', async () => {
    const { compilePolicy, evaluateTraced } = await import('../policy/index.js');
    const policy = compilePolicy([
      {
        file: 'p.yaml',
        text: "version: 2\nname: p\nrules:\n  - id: no-root\n    description: d\n    effect: block\n    config: {notRoot: true}\n  - id: sock\n    description: d\n    effect: block\n    deploy: {deniedMounts: [/var/run/docker.sock]}\n  - id: prod\n    description: d\n    effect: alert\n    scope: {environments: [prod]}\n    config: {healthcheck: true}\nexceptions:\n  - id: old\n    owner: bob\n    reason: r\n    expires: 2020-01-01\n    rules: [no-root]\n    images: ['**']\n",
      },
    ]);
    const subject = {
      image: { reference: 'docker.io/library/debian:12', tags: ['12'], metadata: { configDigest: 'sha256:' + '1'.repeat(64), repoTags: [], repoDigests: [], os: 'linux', architecture: 'amd64', config: { env: [], exposedPorts: [], volumes: [], labels: {} }, history: [], layers: [] } },
      packages: [],
      findings: [],
    };
    const { renderExplanation } = await import('./policy.js');
    const text = renderExplanation(policy, 'debian:12', evaluateTraced(policy, subject, new Date('2026-01-01T00:00:00Z')));
    expect(text).toContain('Verdict BLOCK');
    expect(text).toMatch(/✗ no-root \[block\].*\(p\.yaml:4\)/);
    expect(text).toContain('evidence: field config.user=""');
    expect(text).toContain('- sock: no run request in the subject');
    expect(text).toContain('- prod: out of scope: scope environments prod: the subject names no environment');
    expect(text).toMatch(/expired old \(owner bob, expires 2020-01-01\): r\n\s+expired: would have waived 1 violation/);
  });
});

/**
 * `bulkhead scan TARGET --console URL --token T` end to end: the real CLI
 * (run from source with tsx, as a separate process) scans the demo image and
 * uploads it to a real console over HTTP and over HTTPS with a self-signed
 * certificate; the exit code follows the console's decision, not a local one.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/console/auth/api-tokens.js';
import { createFirstAdmin } from '../../src/console/auth/first-admin.js';
import { consoleConfigSchema, type ConsoleConfig } from '../../src/console/config.js';
import { startConsole, type RunningConsole } from '../../src/console/server/start-console.js';
import { startTestConsole, type TestConsole } from '../support/console-fixture.js';
import { DEMO_IMAGE, REPO_ROOT, demoAdvisoryDatabase } from '../support/demo-assessment.js';
import { STORE_DIALECTS, freshDatabase } from '../support/store-fixtures.js';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function bulkhead(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, BULKHEAD_DB: '/nonexistent/bulkhead-advisories.db', DOCKER_HOST: 'unix:///nonexistent.sock', BULKHEAD_CONSOLE_TOKEN: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe.each(STORE_DIALECTS)('scan --console over HTTP on %s', { timeout: 120_000 }, (dialect) => {
  let c: TestConsole;
  let token: string;

  beforeAll(async () => {
    c = await startTestConsole({ dialect });
    token = await c.tokenFor('ci');
  });
  afterAll(() => c?.close());

  it('without advisory data the console warns and the exit code follows its verdict', async () => {
    const r = await bulkhead(['scan', DEMO_IMAGE, '--console', c.baseUrl, '--token', token, '--environment', 'dev']);
    expect(r.stderr).toMatch(/console: no advisory database/);
    expect(r.stdout).toMatch(/Decision: ALLOWED WITH WARNINGS/);
    expect(r.status, r.stderr).toBe(0);
  });

  it('blocks with the console’s decision once it has the advisories; token from the environment', async () => {
    demoAdvisoryDatabase(c.config.advisoryDatabase);
    const r = await bulkhead(['scan', DEMO_IMAGE, '--console', c.baseUrl, '--environment', 'dev'], { BULKHEAD_CONSOLE_TOKEN: token });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/Decision: BLOCKED/);
    expect(r.stdout).toMatch(/vuln-heartbleed/);
    expect(r.stdout).toMatch(/5 new, 0 resolved since the last upload/);

    const json = await bulkhead(['scan', DEMO_IMAGE, '--console', c.baseUrl, '--token', token, '--format', 'json']);
    expect(json.status).toBe(1);
    const answer = JSON.parse(json.stdout);
    expect(answer.verdict).toBe('block');
    const image = await c.request('GET', `/api/v1/images/${answer.digest}`, { role: 'auditor' });
    expect(image.json.verdict).toBe('block');
  });

  it('a wrong token or an unreachable console is one clear error line, exit 2', async () => {
    const denied = await bulkhead(['scan', DEMO_IMAGE, '--console', c.baseUrl, '--token', 'bh_wrong']);
    expect(denied.status).toBe(2);
    expect(denied.stderr).toMatch(/console refused the upload \(HTTP 401\)/);
    const missing = await bulkhead(['scan', DEMO_IMAGE, '--console', c.baseUrl]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/needs an API token/);
    const remoteHttp = await bulkhead(['scan', DEMO_IMAGE, '--console', 'http://console.example.com', '--token', token]);
    expect(remoteHttp.status).toBe(2);
    expect(remoteHttp.stderr).toMatch(/only for a console on this machine/);
  });
});

describe('scan --console over HTTPS with a self-signed certificate', { timeout: 120_000 }, () => {
  let running: RunningConsole;
  let token: string;
  let dataDir: string;
  let cleanup: () => void;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'bulkhead-console-tls-'));
    const where = freshDatabase('sqlite');
    cleanup = where.cleanup;
    const config = {
      ...consoleConfigSchema.parse({ dataDir, workers: false, logLevel: 'silent', listen: { host: '127.0.0.1', port: 0 }, tls: { mode: 'self-signed' } }),
      database: where.database,
      advisoryDatabase: path.join(dataDir, 'advisories.db'),
      secretKey: randomBytes(32),
    } as ConsoleConfig;
    demoAdvisoryDatabase(config.advisoryDatabase);
    running = await startConsole(config, { env: {} });
    const admin = await createFirstAdmin(running.ctx, 'admin', 'admin-password-123');
    token = (await createApiToken(running.ctx.store, { name: 'ci', role: 'ci', collections: [], createdBy: admin!.id }, new Date())).secret;
  });
  afterAll(async () => {
    await running?.close();
    cleanup?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('trusts the console with --console-ca and refuses it without', async () => {
    expect(running.url).toMatch(/^https:/);
    const ok = await bulkhead(['scan', DEMO_IMAGE, '--console', running.url, '--token', token, '--console-ca', running.certFile!]);
    expect(ok.status, ok.stderr).toBe(1);
    expect(ok.stdout).toMatch(/Decision: BLOCKED/);
    const untrusted = await bulkhead(['scan', DEMO_IMAGE, '--console', running.url, '--token', token]);
    expect(untrusted.status).toBe(2);
    expect(untrusted.stderr).toMatch(/cannot reach the console .*certificate/i);
  });
});

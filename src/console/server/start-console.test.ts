/**
 * The console over real TLS: the self-signed mode's certificate is verified
 * by curl and by Node's TLS client with it as the only trust anchor, a
 * certificate made by the openssl CLI is served in files mode, plain HTTP
 * off loopback is refused before anything starts, and the first admin comes
 * from the environment only on an empty store.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { X509Certificate, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/support/store-fixtures.js';
import { consoleConfigSchema, type ConsoleConfig, type ConsoleConfigInput } from '../config.js';
import { startConsole, type RunningConsole } from './start-console.js';

// The server runs in this process: curl must be run asynchronously or the server could not answer it.
const run = promisify(execFile);

function configFor(dataDir: string, database: string, overrides: Partial<ConsoleConfigInput>): ConsoleConfig {
  return {
    ...consoleConfigSchema.parse({ dataDir, logLevel: 'silent', workers: false, listen: { host: '127.0.0.1', port: 0 }, ...overrides }),
    database,
    advisoryDatabase: path.join(dataDir, 'advisories.db'),
    secretKey: randomBytes(32),
  } as ConsoleConfig;
}

interface HttpsAnswer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function httpsRequest(url: string, ca: string | undefined, init: { method?: string; body?: string } = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', ...(ca ? { ca } : {}), headers: init.body ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('console over TLS with a self-signed certificate', () => {
  let dataDir: string;
  let where: ReturnType<typeof freshDatabase>;
  let running: RunningConsole;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'bulkhead-tls-'));
    where = freshDatabase('sqlite');
    running = await startConsole(configFor(dataDir, where.database, { tls: { mode: 'self-signed' } }), {
      env: { BULKHEAD_ADMIN_USER: 'root', BULKHEAD_ADMIN_PASSWORD: 'root-password-123' },
    });
  });
  afterAll(async () => {
    await running?.close();
    where?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates the certificate into the data directory, key readable by the owner only', () => {
    expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(running.certFile).toBe(path.join(dataDir, 'tls', 'console.crt'));
    const key = path.join(dataDir, 'tls', 'console.key');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(readFileSync(running.certFile as string));
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:localhost');
  });

  it('is trusted by curl with --cacert and refused without it', async () => {
    const { stdout } = await run('curl', ['-sS', '--max-time', '20', '--cacert', running.certFile as string, `${running.url}/healthz`]);
    expect(JSON.parse(stdout)).toEqual({ status: 'ok' });
    await expect(run('curl', ['-sS', '--max-time', '20', `${running.url}/healthz`])).rejects.toMatchObject({ stderr: expect.stringMatching(/certificate/i) });
  });

  it('logs in over TLS with a Secure __Host- cookie and HSTS, trusting only the generated certificate', async () => {
    const ca = readFileSync(running.certFile as string, 'utf8');
    const res = await httpsRequest(`${running.url}/api/v1/auth/login`, ca, { method: 'POST', body: JSON.stringify({ name: 'root', password: 'root-password-123' }) });
    expect(res.status).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^__Host-bulkhead_session=/);
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toMatch(/Domain=/i);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    await expect(httpsRequest(`${running.url}/healthz`, undefined)).rejects.toThrow(/self.signed|certificate/i);
  });

  it('reuses the certificate on the next start and leaves the first admin alone', async () => {
    const before = readFileSync(running.certFile as string, 'utf8');
    await running.close();
    running = await startConsole(configFor(dataDir, where.database, { tls: { mode: 'self-signed' } }), {
      env: { BULKHEAD_ADMIN_USER: 'intruder', BULKHEAD_ADMIN_PASSWORD: 'intruder-password-1' },
    });
    expect(readFileSync(running.certFile as string, 'utf8')).toBe(before);
    const users = await running.ctx.store.db.selectFrom('users').select('name').execute();
    expect(users.map((u) => u.name)).toEqual(['root']);
  });
});

describe('console TLS from certificate files and the plain-HTTP rule', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-tlsfiles-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a certificate made by the openssl CLI', async () => {
    const cert = path.join(dir, 'server.crt');
    const key = path.join(dir, 'server.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
      '-subj', '/CN=console.test', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'pipe' });
    const where = freshDatabase('sqlite');
    const running = await startConsole(configFor(path.join(dir, 'data'), where.database, { tls: { mode: 'files', cert, key } }), { env: {} });
    try {
      const { stdout } = await run('curl', ['-sS', '--max-time', '20', '--cacert', cert, `${running.url}/readyz`]);
      expect(JSON.parse(stdout).status).toBe('ready');
      expect(existsSync(path.join(dir, 'data', 'tls'))).toBe(false);
    } finally {
      await running.close();
      where.cleanup();
    }
  });

  it('refuses plain HTTP off loopback before opening the store', async () => {
    const database = path.join(dir, 'never.db');
    await expect(startConsole(configFor(path.join(dir, 'data2'), database, { tls: { mode: 'none' }, listen: { host: '0.0.0.0', port: 0 } }), { env: {} }))
      .rejects.toThrow(/refusing plain HTTP on 0\.0\.0\.0/);
    expect(existsSync(database)).toBe(false);
  });

  it('names the missing certificate file', async () => {
    await expect(startConsole(configFor(path.join(dir, 'data3'), path.join(dir, 'x.db'), { tls: { mode: 'files', cert: path.join(dir, 'missing.crt'), key: path.join(dir, 'missing.key') } }), { env: {} }))
      .rejects.toThrow(/cannot read the TLS certificate .*missing\.crt/);
  });

  it('gives a clear error when the database cannot be reached', async () => {
    await expect(startConsole(configFor(path.join(dir, 'data4'), 'postgres://nobody:pw@127.0.0.1:1/none', { tls: { mode: 'none' } }), { env: {} }))
      .rejects.toThrow(/console store postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
  });
});

describe('console behind a declared reverse proxy', () => {
  it('throttles by the forwarded client address only when the proxy is trusted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-proxy-'));
    const where = freshDatabase('sqlite');
    const running = await startConsole(configFor(dir, where.database, { tls: { mode: 'none' } }), { env: {}, trustProxy: ['127.0.0.1/32'] });
    try {
      const login = (name: string, client: string): Promise<Response> => fetch(`${running.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
        body: JSON.stringify({ name, password: 'wrong-password-1' }),
      });
      for (let i = 0; i < 10; i++) expect((await login(`spray-${i}`, '203.0.113.5')).status).toBe(401);
      expect((await login('another-name', '203.0.113.5')).status).toBe(429);
      // Another client behind the same proxy is not locked out.
      expect((await login('another-name', '203.0.113.6')).status).toBe(401);
      const audited = await running.ctx.store.db.selectFrom('audit').select('detail').where('action', '=', 'auth.login.failed').execute();
      expect(audited.some((r) => JSON.parse(r.detail).ip === '203.0.113.6')).toBe(true);
    } finally {
      await running.close();
      where.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A real console for tests: the full server (startConsole: store, audit log,
 * event sink, job queue, fastify) on 127.0.0.1 at a random port over plain
 * HTTP, on a fresh SQLite file or a fresh PostgreSQL database, with an admin
 * user and helpers that mint real API tokens and send real HTTP requests.
 *
 *   const c = await startTestConsole({ dialect });
 *   const res = await c.request('GET', '/api/v1/users', { role: 'admin' });
 *   await c.close();
 *
 * Job workers and alert delivery do not run unless `config: { workers: true }`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiToken } from '../../src/console/auth/api-tokens.js';
import { createCollection } from '../../src/console/auth/collections.js';
import { createFirstAdmin } from '../../src/console/auth/first-admin.js';
import { createUser } from '../../src/console/auth/users.js';
import { consoleConfigSchema, type ConsoleConfig, type ConsoleConfigInput } from '../../src/console/config.js';
import type { ConsoleContext } from '../../src/console/context.js';
import type { CollectionPatterns, Role } from '../../src/console/principal.js';
import { startConsole, type RunningConsole } from '../../src/console/server/start-console.js';
import type { StoreDialect } from '../../src/store/open-store.js';
import { freshDatabase } from './store-fixtures.js';

export interface TestResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** The parsed body when it is JSON (application/json or application/problem+json), else undefined. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

export interface RequestOptions {
  /** Authenticate with a (cached) token of this role; see tokenFor. */
  readonly role?: Role;
  /** Collections for the role's token. */
  readonly collections?: readonly string[];
  /** Authenticate with this token instead. */
  readonly token?: string;
  /** A session from login(): sends the cookie and, on mutating requests, x-csrf-token. */
  readonly session?: TestSession;
  /** JSON-serialized unless a string or Buffer (then sent as is). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TestSession {
  readonly cookie: string;
  readonly csrfToken: string;
}

export interface TestConsole {
  readonly baseUrl: string;
  readonly ctx: ConsoleContext;
  readonly config: ConsoleConfig;
  readonly running: RunningConsole;
  /** The admin user created at start (password: adminPassword). */
  readonly admin: { readonly id: string; readonly name: string; readonly password: string };
  /** A real API token for the role (cached per role + collections), created by the admin user. */
  tokenFor(role: Role, collections?: readonly string[]): Promise<string>;
  /** Creates a collection (admin-side, straight in the store). */
  collection(name: string, patterns: CollectionPatterns): Promise<void>;
  /** Creates a user; returns its id. */
  user(name: string, password: string, role: Role, collections?: readonly string[]): Promise<string>;
  /** Logs in over HTTP; throws unless it succeeds. */
  login(name: string, password: string): Promise<TestSession>;
  request(method: string, urlPath: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface StartTestConsoleOptions {
  readonly dialect: StoreDialect;
  /** Overrides of the console configuration (dataDir, database, listen and tls are the fixture's). */
  readonly config?: Partial<ConsoleConfigInput>;
  /** A clock for the context (audit, sessions, token expiry). */
  readonly now?: () => Date;
}

export const TEST_ADMIN_PASSWORD = 'test-admin-password-1';

export async function startTestConsole(options: StartTestConsoleOptions): Promise<TestConsole> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bulkhead-console-'));
  const where = freshDatabase(options.dialect);
  const config: ConsoleConfig = {
    ...consoleConfigSchema.parse({
      workers: false,
      logLevel: process.env.BULKHEAD_TEST_LOG_LEVEL ?? 'silent',
      ...options.config,
      dataDir,
      database: where.database,
      listen: { host: '127.0.0.1', port: 0 },
      tls: { mode: 'none' },
    }),
    database: where.database,
    advisoryDatabase: path.join(dataDir, 'advisories.db'),
    secretKey: randomBytes(32),
  } as ConsoleConfig;
  let running: RunningConsole;
  try {
    // Job kinds are not registered here: a test that needs workers registers them (registerJobHandlers(c.ctx)).
    running = await startConsole(config, { env: {}, jobHandlers: false, ...(options.now ? { now: options.now } : {}), jobs: { pollIntervalMs: 50 } });
  } catch (error) {
    where.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { ctx } = running;
  const adminUser = await createFirstAdmin(ctx, 'admin', TEST_ADMIN_PASSWORD);
  if (!adminUser) throw new Error('the fresh console already had users');
  const tokens = new Map<string, string>();

  const tokenFor = async (role: Role, collections: readonly string[] = []): Promise<string> => {
    const key = `${role}|${[...collections].sort().join(',')}`;
    let token = tokens.get(key);
    if (!token) {
      const { secret } = await createApiToken(ctx.store, { name: `test-${role}-${tokens.size}`, role, collections, createdBy: adminUser.id }, ctx.now());
      token = secret;
      tokens.set(key, token);
    }
    return token;
  };

  const request = async (method: string, urlPath: string, opts: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token ?? (opts.role ? await tokenFor(opts.role, opts.collections) : undefined);
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (opts.session) {
      headers.cookie = opts.session.cookie;
      if (!['GET', 'HEAD'].includes(method.toUpperCase())) headers['x-csrf-token'] ??= opts.session.csrfToken;
    }
    let body: string | Buffer | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${running.url}${urlPath}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    let json: unknown;
    if (/json/.test(type) && text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), text, json };
  };

  const login = async (name: string, password: string): Promise<TestSession> => {
    const res = await request('POST', '/api/v1/auth/login', { body: { name, password } });
    if (res.status !== 200) throw new Error(`login as ${name} failed: ${res.status} ${res.text}`);
    const setCookie = res.headers['set-cookie'] ?? '';
    return { cookie: setCookie.split(';')[0] as string, csrfToken: res.json.csrfToken as string };
  };

  let closed: Promise<void> | undefined;
  return {
    baseUrl: running.url,
    ctx,
    config,
    running,
    admin: { id: adminUser.id, name: adminUser.name, password: TEST_ADMIN_PASSWORD },
    tokenFor,
    async collection(name, patterns) {
      await createCollection(ctx.store, { name, patterns }, ctx.now());
    },
    async user(name, password, role, collections = []) {
      return (await createUser(ctx.store, { name, password, role, collections }, ctx.now())).id;
    },
    login,
    request,
    close() {
      closed ??= (async () => {
        await running.close();
        where.cleanup();
        rmSync(dataDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}

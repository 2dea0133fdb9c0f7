/**
 * The console's list endpoints under load: the store of
 * bench/console-reevaluate.ts (10,000 images of ~300 packages each, 200
 * hosts, 5,000 containers; same generator), served by the real console
 * (startConsole, plain HTTP on 127.0.0.1, a real API token), and autocannon
 * with 200 connections for 10 s against each endpoint, on SQLite and on
 * PostgreSQL (a private server). The reference, in the same run: the SQL each
 * request runs, executed through the raw driver alone (better-sqlite3
 * sequentially, since it is synchronous; pg with 200 concurrent callers on a
 * pool as large as the console's). Target: p99 < 50 ms.
 *
 * Each endpoint is loaded twice: with the console's response cache on (the
 * default; the hit ratio is reported) and with it off (every request runs
 * its queries), on the same store. BENCH_DRY_RUN=1 prints the section
 * instead of writing docs/benchmarks.md (trial runs with BENCH_IMAGES).
 */
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { changeAdvisoryData } from '../src/console/advisory-data/change-advisory-data.js';
import { batchesFromUploads } from '../src/console/advisory-data/import-uploaded-feeds.js';
import { createApiToken } from '../src/console/auth/api-tokens.js';
import { createFirstAdmin } from '../src/console/auth/first-admin.js';
import { consoleConfigSchema, type ConsoleConfig } from '../src/console/config.js';
import { startConsole } from '../src/console/server/start-console.js';
import { DEFAULT_POOL_SIZE, openStore, type StoreDialect } from '../src/store/open-store.js';
import { createDatabase, startPostgres } from '../test/support/postgres-server.js';
import { DEMO_ADVISORIES, DEMO_RECORDS } from '../test/support/demo-assessment.js';
import { generate, postgresWriter, sqliteWriter } from './console-reevaluate.js';
import { recordSection } from './support/benchmarks-doc.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 10_000);
const CONNECTIONS = 200;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
/** The console's PostgreSQL pool for the run (its default), and the reference's. */
const POOL = DEFAULT_POOL_SIZE;
/** Query sets run per endpoint for the reference. */
const REFERENCE_RUNS = 4_000;
const TARGET_P99_MS = 50;
/** Unrecorded load before each measured one: JIT warm-up of the request path, connections opened. */
const WARMUP_S = 1;

interface Endpoint {
  readonly name: string;
  readonly path: (digest: string) => string;
  /** The statements one request runs (placeholders `?`, rewritten to $n for pg), with their parameters. */
  readonly sql: (digest: string) => { text: string; params: unknown[] }[];
}

const hostIds = Array.from({ length: 50 }, (_, k) => `host-${k}`);

/** Mirrors the queries of src/console/routes/images.ts, routes/fleet.ts and fleet/container-view.ts for an unscoped reader (the token lookup not included). */
const ENDPOINTS: readonly Endpoint[] = [
  {
    name: 'GET /api/v1/images?limit=50',
    path: () => '/api/v1/images?limit=50',
    sql: () => [{ text: 'SELECT digest, registry, repositories, environment, verdict, package_count, first_seen, last_seen, evaluated_at, advisory_snapshot FROM images ORDER BY last_seen DESC, digest DESC LIMIT 50', params: [] }],
  },
  {
    name: 'GET /api/v1/images/:digest',
    path: (digest) => `/api/v1/images/${digest}`,
    sql: (digest) => [
      { text: 'SELECT * FROM images WHERE digest = ?', params: [digest] },
      { text: 'SELECT * FROM image_tags WHERE digest = ? ORDER BY last_seen DESC, reference', params: [digest] },
      { text: 'SELECT kind, severity, count(*) AS n FROM findings WHERE digest = ? GROUP BY kind, severity', params: [digest] },
      { text: 'SELECT state, count(*) AS n FROM containers WHERE image_digest = ? GROUP BY state', params: [digest] },
    ],
  },
  {
    name: 'GET /api/v1/containers?limit=50',
    path: () => '/api/v1/containers?limit=50',
    sql: () => [
      {
        text: `SELECT c.id, c.host_id, c.cluster_id, c.namespace, c.name, c.image_reference, c.image_digest, c.state, c.started_at, c.last_seen, i.verdict, i.repositories, h.name AS host_name, k.name AS cluster_name
          FROM containers c LEFT JOIN images i ON i.digest = c.image_digest LEFT JOIN hosts h ON h.id = c.host_id LEFT JOIN clusters k ON k.id = c.cluster_id ORDER BY c.id LIMIT 51`,
        params: [],
      },
    ],
  },
  {
    name: 'GET /api/v1/hosts?limit=50',
    path: () => '/api/v1/hosts?limit=50',
    sql: () => [
      { text: 'SELECT * FROM hosts ORDER BY id LIMIT 200', params: [] },
      { text: `SELECT host_id AS owner, state, count(*) AS n FROM containers WHERE host_id IN (${hostIds.map(() => '?').join(', ')}) GROUP BY host_id, state`, params: hostIds },
    ],
  },
];

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly rps: number;
}

type HttpLatency = Latency & { readonly requests: number; readonly non2xx: number; readonly errors: number };

interface EndpointResult {
  readonly name: string;
  /** With the response cache on, and the share of requests it answered. */
  readonly cached: HttpLatency & { readonly hitRatio: number };
  /** With the response cache off. */
  readonly uncached: HttpLatency;
  readonly reference: Latency;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? NaN;
}

async function load(url: string, token: string): Promise<HttpLatency> {
  // The load comes from a worker thread, so it does not compete with the server for this process's event loop.
  const options = { url, connections: CONNECTIONS, workers: 1, headers: { authorization: `Bearer ${token}` } };
  await autocannon({ ...options, duration: WARMUP_S });
  const result = await autocannon({ ...options, duration: DURATION_S });
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, requests: result.requests.total, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

/** The same statements through the raw driver: sequential on better-sqlite3, CONNECTIONS concurrent callers on a pg pool. */
async function reference(dialect: StoreDialect, database: string, endpoint: Endpoint, digest: string): Promise<Latency> {
  const statements = endpoint.sql(digest);
  const times: number[] = [];
  const started = performance.now();
  if (dialect === 'sqlite') {
    const db = new Database(database, { readonly: true });
    const prepared = statements.map((s) => ({ stmt: db.prepare(s.text), params: s.params }));
    for (let k = 0; k < REFERENCE_RUNS; k++) {
      const t = performance.now();
      for (const s of prepared) s.stmt.all(...s.params);
      times.push(performance.now() - t);
    }
    db.close();
  } else {
    const pool = new pg.Pool({ connectionString: database, max: POOL });
    const texts = statements.map((s) => ({ text: s.text.split('?').reduce((a, b, k) => `${a}$${k}${b}`), values: s.params }));
    let left = REFERENCE_RUNS;
    const caller = async () => {
      while (left-- > 0) {
        const t = performance.now();
        // A request runs its statements concurrently where the route does (image detail: Promise.all), else one after the other; here all at once.
        await Promise.all(texts.map((q) => pool.query(q.text, q.values)));
        times.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, caller));
    await pool.end();
  }
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), rps: times.length / elapsed };
}

function consoleConfig(dataDir: string, database: string, cache: boolean): ConsoleConfig {
  return {
    ...consoleConfigSchema.parse({ dataDir, workers: false, logLevel: 'warn', listen: { host: '127.0.0.1', port: 0 }, tls: { mode: 'none' }, responseCache: { enabled: cache } }),
    database,
    advisoryDatabase: path.join(dataDir, 'advisories.db'),
    secretKey: randomBytes(32),
  } as ConsoleConfig;
}

async function runDialect(dialect: StoreDialect, postgresUrl: string | undefined): Promise<EndpointResult[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bulkhead-bench-api-load-'));
  try {
    const database = dialect === 'postgres' ? createDatabase(postgresUrl as string, `bench_api_${Date.now()}`) : path.join(dataDir, 'console.db');
    const start = async (cache: boolean) => startConsole(consoleConfig(dataDir, database, cache), { env: {}, jobHandlers: false, store: await openStore({ database, poolSize: POOL }) });
    let running = await start(true);
    let token: string;
    let digest: string;
    const cached: Array<EndpointResult['cached']> = [];
    try {
      const { ctx } = running;
      const baseline = await changeAdvisoryData(ctx, (store) => store.import(batchesFromUploads([{ name: 'kev.json', data: readFileSync(path.join(DEMO_ADVISORIES, DEMO_RECORDS.kev)) }])));
      const started = performance.now();
      if (dialect === 'sqlite') {
        const w = sqliteWriter(database);
        await generate(ctx, baseline.value.snapshot, w.add);
        w.close();
      } else {
        const w = postgresWriter(database);
        await generate(ctx, baseline.value.snapshot, w.add);
        await w.close();
        const client = new pg.Client({ connectionString: database });
        await client.connect();
        // VACUUM and CHECKPOINT too: otherwise autovacuum and the checkpointer work through the freshly loaded tables during the measurement.
        await client.query('VACUUM ANALYZE');
        await client.query('CHECKPOINT');
        await client.end();
      }
      process.stderr.write(`  ${dialect}: generated ${IMAGES} images in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);

      const admin = await createFirstAdmin(ctx, 'bench-admin', randomBytes(12).toString('hex'));
      if (!admin) throw new Error('the fresh console already had users');
      ({ secret: token } = await createApiToken(ctx.store, { name: 'bench-reader', role: 'secops', collections: [], createdBy: admin.id }, ctx.now()));
      ({ digest } = await ctx.store.db.selectFrom('images').select('digest').orderBy('last_seen', 'desc').orderBy('digest', 'desc').limit(1).executeTakeFirstOrThrow());

      for (const endpoint of ENDPOINTS) {
        const url = `${running.url}${endpoint.path(digest)}`;
        const check = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        if (check.status !== 200) throw new Error(`${endpoint.name}: ${check.status} ${await check.text()}`);
        const before = running.responseCache.stats();
        const http = await load(url, token);
        const after = running.responseCache.stats();
        // Answered without running the route's queries: from memory, or by joining a computation under way.
        const served = after.hits - before.hits + after.joined - before.joined;
        const computed = after.computed - before.computed;
        cached.push({ ...http, hitRatio: served + computed === 0 ? 0 : served / (served + computed) });
        process.stderr.write(`  ${dialect} ${endpoint.name} (cache on): ${JSON.stringify(cached.at(-1))}\n`);
      }
    } finally {
      await running.close();
    }
    // The same store and token, served by a console with the response cache off.
    running = await start(false);
    try {
      const results: EndpointResult[] = [];
      for (const [k, endpoint] of ENDPOINTS.entries()) {
        const url = `${running.url}${endpoint.path(digest)}`;
        const check = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        if (check.status !== 200) throw new Error(`${endpoint.name}: ${check.status} ${await check.text()}`);
        const uncached = await load(url, token);
        const ref = await reference(dialect, database, endpoint, digest);
        process.stderr.write(`  ${dialect} ${endpoint.name} (cache off): ${JSON.stringify({ uncached, ref })}\n`);
        results.push({ name: endpoint.name, cached: cached[k] as EndpointResult['cached'], uncached, reference: ref });
      }
      return results;
    } finally {
      await running.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function consoleApiLoad(): Promise<void> {
  const dialects = (process.env.BENCH_DIALECTS?.split(',') ?? ['sqlite', 'postgres']) as StoreDialect[];
  const server = dialects.includes('postgres') ? await startPostgres() : undefined;
  const results: { dialect: StoreDialect; endpoints: EndpointResult[] }[] = [];
  try {
    for (const dialect of dialects) results.push({ dialect, endpoints: await runDialect(dialect, server?.url) });
  } finally {
    server?.stop();
  }
  const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
  const met = (h: HttpLatency) => h.p99 < TARGET_P99_MS && h.non2xx === 0 && h.errors === 0;
  const row = (dialect: StoreDialect, e: EndpointResult, h: HttpLatency, cache: string) => {
    const failures = h.non2xx + h.errors > 0 ? ` (${h.non2xx} non-2xx, ${h.errors} errors or timeouts)` : '';
    return `| ${dialect} | \`${e.name}\` | ${cache} | ${ms(h.p50)} | **${ms(h.p99)}** | ${Math.round(h.rps).toLocaleString('en')}${failures} | ${met(h) ? 'met' : '**missed**'} | ${ms(e.reference.p50)} | ${ms(e.reference.p99)} | ${Math.round(e.reference.rps).toLocaleString('en')} |`;
  };
  const rows = results.flatMap(({ dialect, endpoints }) => [
    ...endpoints.map((e) => row(dialect, e, e.cached, `on (${(e.cached.hitRatio * 100).toFixed(2)} % from cache)`)),
    ...endpoints.map((e) => row(dialect, e, e.uncached, 'off')),
  ]);
  const missed = (pick: (e: EndpointResult) => HttpLatency) => results.flatMap(({ dialect, endpoints }) => endpoints.filter((e) => !met(pick(e))).map((e) => `${dialect} ${e.name}`));
  const missedCached = missed((e) => e.cached);
  const missedUncached = missed((e) => e.uncached);
  const os = await import('node:os');
  const section = `## Console: list endpoints under 200 concurrent requests

\`bench/console-api-load.ts\`: the store of the re-evaluation benchmark (same generator: ${IMAGES.toLocaleString('en')} images of ~300 packages each, 200 hosts, 5,000 containers), served by the real console (\`startConsole\`, plain HTTP on 127.0.0.1, a real \`secops\` API token checked on every request), on SQLite and on PostgreSQL (a private server, console pool of ${POOL} connections, the default). autocannon on loopback, in a worker thread of the same process as the server, ${CONNECTIONS} connections for ${DURATION_S} s per endpoint and row after ${WARMUP_S} s of the same load unrecorded (warm-up); the image digest is a fixed existing one. Each endpoint is loaded twice on the same store: with the console's response cache on (the default: an answer is kept, with its ETag, per route, query and caller scope until anything commits to the store; docs/console.md) and with it off (\`responseCache.enabled: false\`: every request authenticates, validates and runs its queries). Reference, same run: the SQL statements each request runs (token lookup excepted), through the raw driver alone — better-sqlite3 one query set after another (it is synchronous), pg with ${CONNECTIONS} concurrent callers on a pool of ${POOL}; ${REFERENCE_RUNS.toLocaleString('en')} query sets each, measured once per endpoint and shown on both of its rows. Target: p99 < ${TARGET_P99_MS} ms.

| store | endpoint | response cache | p50 | p99 | requests/s | target | reference p50 (SQL) | reference p99 (SQL) | reference query sets/s |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

With the cache on: ${missedCached.length === 0 ? `every endpoint met p99 < ${TARGET_P99_MS} ms on both stores` : `target missed on ${missedCached.join('; ')}`}. With it off: ${missedUncached.length === 0 ? 'every endpoint met the target' : `target missed on ${missedUncached.join('; ')}`}. The load repeats one request per endpoint and nothing writes during it, so the cached rows show the cache at its best: the share shown is of requests answered without running the route's queries (from memory, or by waiting for the one computation under way); besides those, each entry is recomputed in the background every half \`responseCache.maxAgeMs\` (1 s) while it is still served. A console whose store is written while it is read (scans, fleet reports) answers the first read after each commit from the database, at the cost the cache-off rows show. Under ${CONNECTIONS} concurrent connections a request's latency is mostly queueing behind the others on one Node.js event loop, which the load generator's thread shares the machine with: mean latency ≈ connections ÷ requests/s (Little's law), so p99 < 50 ms at 200 connections needs well over 4,000 requests/s from one process. The reference shows what the database alone costs per query set; on PostgreSQL it includes the wait for one of the pool's connections. Machine: ${os.cpus().length} CPUs, load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}.`;
  if (process.env.BENCH_DRY_RUN === '1') process.stdout.write(`${section}\n`);
  else recordSection('console-api-load', section);
}

/**
 * A private PostgreSQL 15 server for tests: its own data directory under
 * the temp dir, its own port on 127.0.0.1, run as the `postgres` system user
 * (PostgreSQL refuses root), stopped and removed afterwards. Never touches a
 * system cluster.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  /** Superuser URL of the maintenance database. */
  readonly url: string;
  readonly port: number;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function asPostgres(command: string, args: string[]): void {
  const run = process.getuid?.() === 0 ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' }) : spawnSync(command, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${path.basename(command)} failed: ${run.stderr || run.stdout || run.error?.message}`);
}

export async function startPostgres(): Promise<PostgresServer> {
  if (!existsSync(path.join(BIN, 'initdb'))) {
    throw new Error(`PostgreSQL 15 is not installed (${BIN}/initdb missing): apt-get install -y postgresql`);
  }
  const root = mkdtempSync(path.join(tmpdir(), 'bulkhead-pg-'));
  chmodSync(root, 0o777);
  const data = path.join(root, 'data');
  const port = await freePort();
  const password = 'bulkhead-test';
  const pwfile = path.join(root, 'pw');
  writeFileSync(pwfile, password, { mode: 0o644 });
  asPostgres(path.join(BIN, 'initdb'), ['-D', data, '-U', 'bulkhead', '--pwfile', pwfile, '-A', 'scram-sha-256', '-E', 'UTF8', '--no-sync']);
  asPostgres(path.join(BIN, 'pg_ctl'), [
    '-D', data, '-l', path.join(root, 'server.log'), '-w', '-t', '60',
    '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c shared_buffers=256MB`,
    'start',
  ]);
  let stopped = false;
  return {
    url: `postgres://bulkhead:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        asPostgres(path.join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/** Creates an empty database on the server and returns its URL. */
export function createDatabase(serverUrl: string, name: string): string {
  const u = new URL(serverUrl);
  execFileSync('psql', [serverUrl, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE "${name.replace(/"/g, '')}"`], { stdio: 'pipe' });
  u.pathname = `/${name}`;
  return u.toString();
}

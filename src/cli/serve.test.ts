/**
 * `bulkhead serve` as a process: the first admin from --init-admin with the
 * password on stdin, a request in flight when SIGTERM arrives is answered,
 * then the process exits 0 and the port is closed; refusals exit 2 with one line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(new URL('../..', import.meta.url).pathname);
const main = path.join(root, 'src/cli/main.ts');
const nodeArgs = ['--import', 'tsx', main];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function waitFor(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stderr: ${seen}`)), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before ${pattern}; stderr: ${seen}`));
    });
  });
}

describe('bulkhead serve', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-serve-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the first admin from stdin, finishes a request in flight on SIGTERM and exits 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [...nodeArgs, 'serve', '--data-dir', path.join(dir, 'a'), '--listen', `127.0.0.1:${port}`, '--insecure-http', '--init-admin', 'root', '--log-level', 'warn'], {
      cwd: root,
      env: { ...process.env, BULKHEAD_ADMIN_PASSWORD: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      child.stdin!.end('root-password-123\n');
      await waitFor(child, /listening on http:\/\/127\.0\.0\.1:\d+/, 60_000);

      // Start a login whose body is not complete yet, then ask the server to stop.
      const body = JSON.stringify({ name: 'root', password: 'root-password-123' });
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => {
          child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(10)), 300);
        }, 200);
      });
      const res = await answer;
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text).user).toMatchObject({ name: 'root', role: 'admin' });
      expect(await exited).toBe(0);
      await expect(new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/healthz' }, resolve);
        req.on('error', reject);
        req.end();
      })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses plain HTTP off loopback with one line and exit code 2', () => {
    const r = spawnSync(process.execPath, [...nodeArgs, 'serve', '--data-dir', path.join(dir, 'b'), '--listen', '0.0.0.0:0', '--insecure-http'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^bulkhead: refusing plain HTTP on 0\.0\.0\.0/);
  });

  it('refuses conflicting TLS flags', () => {
    const r = spawnSync(process.execPath, [...nodeArgs, 'serve', '--data-dir', path.join(dir, 'c'), '--self-signed', '--insecure-http'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/choose one of/);
  });
});

import http from 'node:http';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthzAnswer, AuthzMessage } from './authz-protocol.js';
import { startAuthzServer, type AuthzPhase, type AuthzServer } from './authz-server.js';

function post(socketPath: string, urlPath: string, body: string | Buffer, method = 'POST'): Promise<{ status: number; json: unknown; type: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: urlPath, method, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('authz server on a unix socket', () => {
  let dir: string;
  let server: AuthzServer;
  const seen: { phase: AuthzPhase; message: AuthzMessage }[] = [];
  const fallbacks: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bulkhead-authz-'));
    server = await startAuthzServer({
      socketPath: path.join(dir, 'plugins', 'bulkhead.sock'),
      decisionTimeoutMs: 300,
      handler: {
        async decide(phase, message): Promise<AuthzAnswer> {
          seen.push({ phase, message });
          if (message.uri.includes('/throw')) throw new Error('boom');
          if (message.uri.includes('/hang')) return new Promise(() => {});
          return message.uri.includes('/deny') ? { Allow: false, Msg: 'no' } : { Allow: true };
        },
        fallback(_phase, reason) {
          fallbacks.push(reason);
          return { Allow: false, Msg: `fallback: ${reason}` };
        },
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const req = (over: Record<string, unknown> = {}) => JSON.stringify({ User: 'alice', UserAuthNMethod: 'TLS', RequestMethod: 'POST', RequestUri: '/v1.41/containers/create', RequestBody: Buffer.from('{"Image":"x"}').toString('base64'), RequestHeaders: { 'Content-Type': 'application/json' }, ...over });

  it('activates as an authz plugin, with the plugin content type, on a socket only root can use', async () => {
    const res = await post(server.socketPath, '/Plugin.Activate', '');
    expect(res).toEqual({ status: 200, json: { Implements: ['authz'] }, type: 'application/vnd.docker.plugins.v1.2+json' });
    expect((await stat(server.socketPath)).mode & 0o777).toBe(0o600);
  });

  it('decodes a request and passes the answer back', async () => {
    expect((await post(server.socketPath, '/AuthZPlugin.AuthZReq', req())).json).toEqual({ Allow: true });
    const last = seen.at(-1);
    expect(last?.phase).toBe('request');
    expect(last?.message).toMatchObject({ user: 'alice', authMethod: 'TLS', method: 'POST', uri: '/v1.41/containers/create' });
    expect(last?.message.body?.toString()).toBe('{"Image":"x"}');
    expect((await post(server.socketPath, '/AuthZPlugin.AuthZRes', req({ RequestUri: '/v1.41/deny', ResponseStatusCode: 200 }))).json).toEqual({ Allow: false, Msg: 'no' });
    expect(seen.at(-1)?.phase).toBe('response');
  });

  it('answers hostile messages with the fallback and a reason, and keeps serving', async () => {
    const cases: [string | Buffer, RegExp][] = [
      ['{not json', /not JSON/],
      ['[]', /invalid AuthZ message/],
      ['null', /invalid AuthZ message/],
      [req({ RequestMethod: 7 }), /RequestMethod/],
      [req({ RequestBody: '%%%not-base64%%%' }), /RequestBody/],
      [req({ RequestUri: '' }), /RequestUri/],
      [Buffer.alloc(4 * 1024 * 1024, 0x41), /larger than/],
      [Buffer.from([0xff, 0xfe, 0x00, 0x7b]), /not JSON/],
    ];
    for (const [body, reason] of cases) {
      const res = await post(server.socketPath, '/AuthZPlugin.AuthZReq', body);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ Allow: false });
      expect(fallbacks.at(-1)).toMatch(reason);
    }
    expect((await post(server.socketPath, '/AuthZPlugin.AuthZReq', req())).json).toEqual({ Allow: true });
  });

  it('answers a throwing or hanging decision with the fallback', async () => {
    expect((await post(server.socketPath, '/AuthZPlugin.AuthZReq', req({ RequestUri: '/v1.41/throw' }))).json).toEqual({ Allow: false, Msg: 'fallback: decision failed: boom' });
    const started = Date.now();
    expect((await post(server.socketPath, '/AuthZPlugin.AuthZReq', req({ RequestUri: '/v1.41/hang' }))).json).toEqual({ Allow: false, Msg: 'fallback: no decision within 300 ms' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('rejects unknown plugin methods and verbs without a crash', async () => {
    expect((await post(server.socketPath, '/VolumeDriver.Create', '{}')).status).toBe(404);
    expect((await post(server.socketPath, '/Plugin.Activate', '', 'GET')).status).toBe(405);
  });

  it('serves many concurrent requests', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, () => post(server.socketPath, '/AuthZPlugin.AuthZReq', req())));
    expect(answers.every((a) => (a.json as AuthzAnswer).Allow)).toBe(true);
  });
});

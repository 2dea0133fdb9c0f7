import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { createRegistry } from '../registries/registries.js';
import { scanTarget, scanTargetJobSchema } from './scan-target-job.js';

describe('scan.target payloads', () => {
  it('takes registry references only, never a path or another transport', () => {
    for (const target of ['/etc/passwd', 'docker-archive:/tmp/x.tar', 'dir:/', 'oci:/tmp/layout', 'Not A Reference', '']) {
      expect(scanTargetJobSchema.safeParse({ target, requestedBy: 'test' }).success, target).toBe(false);
    }
    expect(scanTargetJobSchema.safeParse({ target: 'registry.example.com/team/app:1', requestedBy: 'test' }).success).toBe(true);
    expect(scanTargetJobSchema.safeParse({ target: 'registry.example.com/team/app:1', requestedBy: 'test', extra: 1 }).success).toBe(false);
  });
});

/** A registry stand-in that demands Basic auth and records what each request sent. */
function recordingRegistry(): Promise<{ server: Server; host: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(401, { 'www-authenticate': 'Basic realm="test"', 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ server, host: `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, seen });
  }));
}

describe('scan.target credentials', () => {
  let c: TestConsole;
  let a: Awaited<ReturnType<typeof recordingRegistry>>;
  let b: Awaited<ReturnType<typeof recordingRegistry>>;
  let registryA: string;

  beforeAll(async () => {
    c = await startTestConsole({ dialect: 'sqlite' });
    [a, b] = [await recordingRegistry(), await recordingRegistry()];
    registryA = (await createRegistry(c.ctx.store, c.config.secretKey, { name: 'a', url: `http://${a.host}`, username: 'robot-a', password: 'secret-of-a', repositories: [], intervalMinutes: 0 }, c.admin.id, new Date())).row.id;
  });
  afterAll(async () => {
    await c?.close();
    for (const r of [a, b]) {
      // The client keeps its connections alive: end them, or close() waits for them.
      r?.server.closeAllConnections();
      r?.server.close();
    }
  });

  it('sends a registry\'s credentials to that registry\'s host only, whatever registry the job names', async () => {
    const basicA = `Basic ${Buffer.from('robot-a:secret-of-a').toString('base64')}`;
    await expect(scanTarget(c.ctx, { target: `${a.host}/team/app:1`, registryId: registryA, requestedBy: 'test' })).rejects.toThrow(/authentication failed for 127\.0\.0\.1:\d+ as robot-a/);
    expect(a.seen.some((h) => h.authorization === basicA)).toBe(true);
    // Same registry id, another host: no credentials, so the stand-in's challenge is unanswerable.
    await expect(scanTarget(c.ctx, { target: `${b.host}/team/app:1`, registryId: registryA, requestedBy: 'test' })).rejects.toThrow(/authentication required/);
    expect(b.seen.length).toBeGreaterThan(0);
    expect(b.seen.every((h) => h.authorization === undefined)).toBe(true);
  });
});

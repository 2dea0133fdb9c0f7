// Engine API version negotiation and DOCKER_HOST parsing, against a tiny
// Engine on a unix socket that answers /_ping like dockerd does.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../domain/errors.js';
import { createDockerEngineClient, parseDockerHost } from './docker-daemon-client.js';

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (server) await new Promise((resolve) => server!.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

async function engine(apiVersion: string | undefined): Promise<{ socket: string; paths: string[] }> {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bulkhead-engine-'));
  const socket = path.join(dir, 'docker.sock');
  const paths: string[] = [];
  server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if (req.url === '/_ping') {
      res.writeHead(200, apiVersion ? { 'api-version': apiVersion } : {}).end('OK');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server!.listen(socket, resolve));
  return { socket, paths };
}

describe('API version negotiation', () => {
  it.each([
    ['1.41', '1.41'], // Docker 20.10 (Debian 12's docker.io): speak its version
    ['1.24', '1.24'],
    ['1.47', '1.43'], // newer engines accept the client's own version
    ['1.100', '1.43'],
    [undefined, '1.24'], // no header: the CLI's historical default
  ])('engine %s → requests under /v%s', async (server, used) => {
    const { socket, paths } = await engine(server);
    const client = createDockerEngineClient(`unix://${socket}`, 5_000);
    const answer = await client.getJson('/images/debian/json', 1024);
    expect(answer.status).toBe(200);
    expect(paths).toEqual(['/_ping', `/v${used}/images/debian/json`]);
  });

  it('pings once per client', async () => {
    const { socket, paths } = await engine('1.41');
    const client = createDockerEngineClient(`unix://${socket}`, 5_000);
    await client.getJson('/a', 1024);
    await client.getJson('/b', 1024);
    expect(paths.filter((p) => p === '/_ping')).toHaveLength(1);
  });

  it('bounds JSON answers', async () => {
    const { socket } = await engine('1.41');
    const client = createDockerEngineClient(`unix://${socket}`, 5_000);
    await expect(client.getJson('/a', 5)).rejects.toThrow(/larger than 5 bytes/);
  });
});

describe('parseDockerHost', () => {
  it('reads unix sockets and tcp addresses', () => {
    expect(parseDockerHost('unix:///var/run/docker.sock')).toMatchObject({ kind: 'unix', socketPath: '/var/run/docker.sock' });
    expect(parseDockerHost('tcp://127.0.0.1:2375')).toMatchObject({ kind: 'tcp', host: '127.0.0.1', port: 2375 });
    expect(parseDockerHost('tcp://[::1]:2376')).toMatchObject({ kind: 'tcp', host: '::1', port: 2376 });
  });

  it.each(['unix://relative.sock', 'npipe:////./pipe/docker_engine', 'ssh://me@host', '/var/run/docker.sock'])('refuses %s', (address) => {
    expect(() => parseDockerHost(address)).toThrow(BadInputError);
  });
});

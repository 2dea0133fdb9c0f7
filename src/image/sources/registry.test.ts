// The registry source against a small OCI Distribution emulation on 127.0.0.1:
// auth flows, platform selection, digest checks and failure paths. The real
// docker-registry is exercised in test/integration/registry-source.test.ts.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, ImageFormatError, LimitExceededError } from '../../domain/errors.js';
import type { LayerBlob } from '../image-source.js';
import { readLayer } from '../layer-reader.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { parsePlatform } from '../platform.js';
import { RegistryError } from './registry-error.js';
import { openRegistryImage } from './registry.js';
import type { RegistryImageOptions } from './registry.js';
import { sha256, testImage } from './testdata/test-image.js';
import type { TestImage } from './testdata/test-image.js';

const here = path.dirname(fileURLToPath(import.meta.url));

type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | void;

interface FakeRegistry {
  readonly host: string;
  readonly url: string;
  readonly blobs: Map<string, Buffer>;
  /** Tag or digest → [media type, bytes]. */
  readonly manifests: Map<string, [string, Buffer]>;
  readonly requests: { method: string; url: string; authorization?: string }[];
  /** Runs before the registry logic; returning true means the request was answered. */
  before?: Handler;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startFakeRegistry(): Promise<FakeRegistry> {
  const state = {
    blobs: new Map<string, Buffer>(),
    manifests: new Map<string, [string, Buffer]>(),
    requests: [] as FakeRegistry['requests'],
    before: undefined as Handler | undefined,
  };
  const server = createServer((req, res) => {
    state.requests.push({ method: req.method ?? '', url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (state.before?.(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (manifest) {
      const found = state.manifests.get(decodeURIComponent(manifest[2]!));
      if (!found) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
        return;
      }
      res.writeHead(200, { 'content-type': found[0], 'docker-content-digest': sha256(found[1]), 'content-length': found[1].length }).end(found[1]);
      return;
    }
    const blob = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(url.pathname);
    if (blob) {
      const found = state.blobs.get(blob[2]!);
      if (!found) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown' }] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': found.length }).end(found);
      return;
    }
    res.writeHead(404).end();
  });
  const host = await listen(server);
  return {
    host,
    url: `http://${host}`,
    blobs: state.blobs,
    manifests: state.manifests,
    requests: state.requests,
    get before() {
      return state.before;
    },
    set before(h) {
      state.before = h;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function publish(registry: FakeRegistry, image: TestImage, tag?: string): void {
  const type = JSON.parse(image.manifest.toString()).mediaType as string;
  registry.manifests.set(image.manifestDigest, [type, image.manifest]);
  if (tag) registry.manifests.set(tag, [type, image.manifest]);
  registry.blobs.set(image.configDigest, image.config);
  for (const layer of image.layers) registry.blobs.set(layer.digest, layer.gz);
}

async function readAllLayers(blobs: AsyncIterable<LayerBlob> | Iterable<LayerBlob>): Promise<string[]> {
  const out: string[] = [];
  for await (const blob of blobs) {
    const record = await readLayer(blob, { selects: () => true, limits: DEFAULT_LIMITS, budget: { used: 0 }, warn: () => undefined });
    out.push(...[...record.contents.keys()]);
  }
  return out;
}

// An empty Docker config keeps the developer's own ~/.docker/config.json out of the tests.
const emptyConfigDir = mkdtempSync(path.join(os.tmpdir(), 'bulkhead-dockercfg-'));
writeFileSync(path.join(emptyConfigDir, 'config.json'), '{}');
const insecure: RegistryImageOptions = { insecure: true, dockerConfigPath: path.join(emptyConfigDir, 'config.json'), timeoutMs: 5_000 };

let registry: FakeRegistry;
const image = testImage();

beforeAll(async () => {
  registry = await startFakeRegistry();
});
afterAll(async () => {
  await registry.close();
  rmSync(emptyConfigDir, { recursive: true, force: true });
});
afterEach(() => {
  registry.before = undefined;
  registry.manifests.clear();
  registry.blobs.clear();
  registry.requests.length = 0;
});

describe('openRegistryImage: anonymous pull', () => {
  it('resolves a tag to manifest and config and streams verified layers', async () => {
    publish(registry, image, '1.0');
    const source = await openRegistryImage(`${registry.host}/team/app:1.0`, insecure);
    const meta = await source.metadata();
    expect(meta.manifestDigest).toBe(image.manifestDigest);
    expect(meta.configDigest).toBe(image.configDigest);
    expect(meta.repoTags).toEqual([`${registry.host}/team/app:1.0`]);
    expect(meta.repoDigests).toEqual([`${registry.host}/team/app@${image.manifestDigest}`]);
    expect(meta.config.user).toBe('app');
    expect(meta.layers.map((l) => [l.diffId, l.digest])).toEqual(image.layers.map((l) => [l.diffId, l.digest]));
    expect(source.kind).toBe('registry');

    const blobs: LayerBlob[] = [];
    for await (const blob of source.layers()) blobs.push(blob);
    expect(blobs.map((b) => [b.index, b.digest, b.diffId, b.compression])).toEqual(
      image.layers.map((l, i) => [i, l.digest, l.diffId, 'gzip']),
    );
    expect(await readAllLayers(blobs)).toEqual(['/etc/os-release', '/app/hello.txt']);
    await source.close();
  });

  it('pulls by digest and names the repository in RepoDigests', async () => {
    publish(registry, image);
    const source = await openRegistryImage(`${registry.host}/team/app@${image.manifestDigest}`, insecure);
    const meta = await source.metadata();
    expect(meta.repoTags).toEqual([]);
    expect(meta.repoDigests).toEqual([`${registry.host}/team/app@${image.manifestDigest}`]);
  });

  it('refuses plain HTTP unless insecure, and says how to allow it', async () => {
    publish(registry, image, 'latest');
    const error = await openRegistryImage(`${registry.host}/team/app`, { ...insecure, insecure: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(/--insecure/);
    expect(registry.requests).toEqual([]);
  });
});

describe('openRegistryImage: image indexes', () => {
  const platformImages = new Map<string, TestImage>();
  const index = JSON.parse(readFileSync(path.join(here, 'testdata', 'official-image-index.json'), 'utf8')) as {
    manifests: { digest: string; size: number; platform: { architecture: string; variant?: string; os: string }; annotations: Record<string, string> }[];
  };
  // Swap the fixture's digests for images this test can serve, keeping the index's shape.
  for (const entry of index.manifests) {
    if (entry.platform.os === 'unknown') continue;
    const key = [entry.platform.os, entry.platform.architecture, entry.platform.variant].filter(Boolean).join('/');
    const built = testImage({
      architecture: entry.platform.architecture,
      ...(entry.platform.variant ? { variant: entry.platform.variant } : {}),
      mediaTypes: 'oci',
      layers: [{ 'etc/arch': `${key}\n` }],
    });
    platformImages.set(key, built);
    for (const other of index.manifests) {
      if (other.annotations['vnd.docker.reference.digest'] === entry.digest) other.annotations['vnd.docker.reference.digest'] = built.manifestDigest;
    }
    entry.digest = built.manifestDigest;
    entry.size = built.manifest.length;
  }
  const indexBytes = Buffer.from(JSON.stringify(index));
  const publishIndex = (): void => {
    for (const built of platformImages.values()) publish(registry, built);
    registry.manifests.set('bookworm', ['application/vnd.oci.image.index.v1+json', indexBytes]);
    registry.manifests.set(sha256(indexBytes), ['application/vnd.oci.image.index.v1+json', indexBytes]);
  };

  it.each([
    ['linux/arm64', 'linux/arm64/v8'],
    ['linux/arm64/v8', 'linux/arm64/v8'],
    ['linux/amd64', 'linux/amd64'],
    ['linux/arm/v7', 'linux/arm/v7'],
    ['linux/arm/v6', 'linux/arm/v5'],
    ['linux/386', 'linux/386'],
    ['linux/s390x', 'linux/s390x'],
  ])('--platform %s selects the %s image', async (wanted, expected) => {
    publishIndex();
    const source = await openRegistryImage(`${registry.host}/library/debian:bookworm`, { ...insecure, platform: parsePlatform(wanted) });
    const meta = await source.metadata();
    const chosen = platformImages.get(expected)!;
    expect(meta.manifestDigest).toBe(chosen.manifestDigest);
    expect(meta.configDigest).toBe(chosen.configDigest);
    // RepoDigests carry the index digest, as `docker pull` records it.
    expect(meta.repoDigests).toEqual([`${registry.host}/library/debian@${sha256(indexBytes)}`]);
    expect(meta.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
  });

  it('never picks an attestation manifest, and lists what is available', async () => {
    publishIndex();
    const error = await openRegistryImage(`${registry.host}/library/debian:bookworm`, { ...insecure, platform: parsePlatform('linux/riscv64') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toBe(
      `${registry.host}/library/debian:bookworm has no image for platform linux/riscv64; available: linux/amd64, linux/arm/v5, linux/arm/v7, linux/arm64/v8, linux/386, linux/mips64le, linux/ppc64le, linux/s390x (choose one with --platform)`,
    );
  });

  it('refuses a child manifest whose bytes do not match the index digest', async () => {
    publishIndex();
    const arm = platformImages.get('linux/arm64/v8')!;
    registry.manifests.set(arm.manifestDigest, ['application/vnd.oci.image.manifest.v1+json', Buffer.from(arm.manifest.toString().replace('"schemaVersion":2', '"schemaVersion": 2'))]);
    await expect(openRegistryImage(`${registry.host}/library/debian:bookworm`, { ...insecure, platform: parsePlatform('linux/arm64') })).rejects.toThrow(
      /digest mismatch/,
    );
  });

  it('refuses a single-platform image of another platform when one was asked for', async () => {
    publish(registry, image, 'latest');
    await expect(openRegistryImage(`${registry.host}/team/app`, { ...insecure, platform: parsePlatform('linux/arm64') })).rejects.toThrow(
      'is a single-platform image for linux/amd64, not linux/arm64/v8',
    );
  });
});

describe('openRegistryImage: authentication', () => {
  const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  function bearerRegistry(options: { user?: string; password?: string }): void {
    const token = 'tok-' + Math.random().toString(36).slice(2);
    registry.before = (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        if (options.user && req.headers.authorization !== basic(options.user, options.password ?? '')) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}');
          return true;
        }
        expect(url.searchParams.get('service')).toBe('fake-registry');
        expect(url.searchParams.get('scope')).toBe('repository:team/app:pull');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
        return true;
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        const scope = url.pathname === '/v2/' ? '' : ',scope="repository:team/app:pull"';
        res
          .writeHead(401, { 'www-authenticate': `Bearer realm="${registry.url}/token",service="fake-registry"${scope}`, 'content-type': 'application/json' })
          .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return true;
      }
      return false;
    };
  }

  it('gets an anonymous Bearer token for the repository scope', async () => {
    publish(registry, image, 'latest');
    bearerRegistry({});
    const source = await openRegistryImage(`${registry.host}/team/app`, insecure);
    expect(await readAllLayers(source.layers())).toHaveLength(2);
    const tokenRequests = registry.requests.filter((r) => r.url.startsWith('/token'));
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]!.authorization).toBeUndefined();
  });

  it('sends explicit credentials to the token server', async () => {
    publish(registry, image, 'latest');
    bearerRegistry({ user: 'alice', password: 's3cret' });
    const source = await openRegistryImage(`${registry.host}/team/app`, { ...insecure, username: 'alice', password: 's3cret' });
    expect((await source.metadata()).configDigest).toBe(image.configDigest);
  });

  it('reports wrong credentials as an authentication failure', async () => {
    publish(registry, image, 'latest');
    bearerRegistry({ user: 'alice', password: 's3cret' });
    await expect(openRegistryImage(`${registry.host}/team/app`, { ...insecure, username: 'alice', password: 'wrong' })).rejects.toThrow(
      /^authentication failed for 127\.0\.0\.1:\d+ as alice/,
    );
  });

  it('uses Basic auth from the Docker config for the registry', async () => {
    publish(registry, image, 'latest');
    registry.before = (req, res) => {
      if (req.headers.authorization === basic('bob', 'pa:ss')) return false;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Registry Realm"' }).end();
      return true;
    };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bulkhead-dockercfg-'));
    try {
      const configPath = path.join(dir, 'config.json');
      writeFileSync(configPath, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('bob:pa:ss').toString('base64') } } }));
      const source = await openRegistryImage(`${registry.host}/team/app`, { ...insecure, dockerConfigPath: configPath });
      expect(await readAllLayers(source.layers())).toHaveLength(2);

      await expect(openRegistryImage(`${registry.host}/team/app`, insecure)).rejects.toThrow(
        `authentication required for ${registry.host}: run docker login or pass --username/--password-stdin`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trades a Docker config identity token for an access token (OAuth2 refresh_token grant)', async () => {
    publish(registry, image, 'latest');
    const forms: Record<string, string>[] = [];
    registry.before = (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/oauth/token' && req.method === 'POST') {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          forms.push(Object.fromEntries(new URLSearchParams(body)));
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'oauth-access', expires_in: 300 }));
        });
        return true;
      }
      if (req.headers.authorization === 'Bearer oauth-access') return false;
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${registry.url}/oauth/token",service="fake-registry"` }).end();
      return true;
    };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bulkhead-dockercfg-'));
    try {
      const configPath = path.join(dir, 'config.json');
      writeFileSync(configPath, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('<token>:').toString('base64'), identitytoken: 'refresh-me' } } }));
      const source = await openRegistryImage(`${registry.host}/team/app`, { ...insecure, dockerConfigPath: configPath });
      expect((await source.metadata()).configDigest).toBe(image.configDigest);
      expect(forms[0]).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-me', service: 'fake-registry', scope: 'repository:team/app:pull' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not forward credentials when a blob redirects to another host', async () => {
    publish(registry, image, 'latest');
    const cdnRequests: (string | undefined)[] = [];
    const cdn = createServer((req, res) => {
      cdnRequests.push(req.headers.authorization);
      const digest = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
      const body = registry.blobs.get(digest);
      res.writeHead(body ? 200 : 404, { 'content-length': body?.length ?? 0 }).end(body);
    });
    const cdnHost = await listen(cdn);
    try {
      registry.before = (req, res) => {
        if (req.headers.authorization !== basic('bob', 'pw')) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
          return true;
        }
        const blob = /\/blobs\/(sha256:[a-f0-9]+)$/.exec(req.url ?? '');
        if (blob && blob[1] !== image.configDigest) {
          res.writeHead(307, { location: `http://${cdnHost}/${blob[1]}` }).end();
          return true;
        }
        return false;
      };
      const source = await openRegistryImage(`${registry.host}/team/app`, { ...insecure, username: 'bob', password: 'pw' });
      expect(await readAllLayers(source.layers())).toEqual(['/etc/os-release', '/app/hello.txt']);
      expect(cdnRequests).toEqual([undefined, undefined]);
    } finally {
      cdn.closeAllConnections();
      await new Promise((resolve) => cdn.close(resolve));
    }
  });
});

describe('openRegistryImage: failures', () => {
  it('404 on the manifest is "manifest unknown"', async () => {
    await expect(openRegistryImage(`${registry.host}/team/app:missing`, insecure)).rejects.toThrow(
      `manifest unknown: ${registry.host}/team/app:missing`,
    );
  });

  it('500 is a registry error naming the status', async () => {
    registry.before = (req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN","message":"storage driver broke"}]}');
      return true;
    };
    const error = await openRegistryImage(`${registry.host}/team/app`, insecure).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(/answered 500 .*UNKNOWN: storage driver broke/);
  });

  it('refuses a config blob whose bytes do not match its digest', async () => {
    publish(registry, image, 'latest');
    registry.blobs.set(image.configDigest, Buffer.from(image.config.toString().replace('"app"', '"bad"')));
    const error = await openRegistryImage(`${registry.host}/team/app`, insecure).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageFormatError);
    expect((error as Error).message).toMatch(/config blob .* digest mismatch/);
  });

  it('a layer whose bytes do not match its digest fails the read', async () => {
    publish(registry, image, 'latest');
    const tampered = testImage({ layers: [{ 'etc/os-release': 'ID=evil\n' }] }).layers[0]!.gz;
    // Same length, other bytes: only the digest check can notice.
    const first = image.layers[0]!;
    const forged = Buffer.concat([tampered, Buffer.alloc(Math.max(0, first.gz.length - tampered.length))]).subarray(0, first.gz.length);
    registry.blobs.set(first.digest, forged);
    const source = await openRegistryImage(`${registry.host}/team/app`, insecure);
    await expect(readAllLayers(source.layers())).rejects.toThrow(ImageFormatError);
  });

  it('a truncated blob fails with "truncated"', async () => {
    publish(registry, image, 'latest');
    const layer = image.layers[1]!;
    registry.before = (req, res) => {
      if (!req.url?.endsWith(layer.digest)) return false;
      // Without a Content-Length the client can only notice by counting against the descriptor.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(layer.gz.subarray(0, layer.gz.length - 10));
      return true;
    };
    const source = await openRegistryImage(`${registry.host}/team/app`, insecure);
    await expect(readAllLayers(source.layers())).rejects.toThrow(/truncated: got \d+ of \d+ bytes/);
  });

  it('refuses a manifest larger than maxJsonBytes', async () => {
    publish(registry, image, 'latest');
    const error = await openRegistryImage(`${registry.host}/team/app`, { ...insecure, limits: { ...DEFAULT_LIMITS, maxJsonBytes: 100 } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LimitExceededError);
  });

  it('refuses an oversized manifest sent without Content-Length', async () => {
    registry.before = (req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      res.end(Buffer.alloc(4096, 0x20));
      return true;
    };
    await expect(openRegistryImage(`${registry.host}/team/app`, { ...insecure, limits: { ...DEFAULT_LIMITS, maxJsonBytes: 1024 } })).rejects.toThrow(
      LimitExceededError,
    );
  });

  it('gives up on a stalled blob after the timeout', async () => {
    publish(registry, image, 'latest');
    const layer = image.layers[0]!;
    registry.before = (req, res) => {
      if (!req.url?.endsWith(layer.digest)) return false;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': layer.gz.length });
      res.write(layer.gz.subarray(0, 10));
      // …and then nothing: the connection stays open.
      return true;
    };
    const source = await openRegistryImage(`${registry.host}/team/app`, { ...insecure, timeoutMs: 300 });
    const started = Date.now();
    await expect(readAllLayers(source.layers())).rejects.toThrow(/stalled for 0.3s/);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('gives up on a registry that never answers', async () => {
    registry.before = () => true; // never responds
    const started = Date.now();
    await expect(openRegistryImage(`${registry.host}/team/app`, { ...insecure, timeoutMs: 300 })).rejects.toThrow(/did not answer within 0.3s/);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('says so when the registry is unreachable', async () => {
    const closed = createServer();
    const host = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    await expect(openRegistryImage(`${host}/team/app`, insecure)).rejects.toThrow(/cannot reach registry 127\.0\.0\.1:\d+ at http:\/\/127\.0\.0\.1:\d+\/v2\/: ECONNREFUSED/);
  });

  it('refuses artifacts that are not container images', async () => {
    const config = Buffer.from('{}');
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', size: config.length, digest: sha256(config) },
        layers: [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', size: 3, digest: sha256('abc') }],
      }),
    );
    registry.manifests.set('chart', ['application/vnd.oci.image.manifest.v1+json', manifest]);
    registry.blobs.set(sha256(config), config);
    await expect(openRegistryImage(`${registry.host}/charts/app:chart`, insecure)).rejects.toThrow(/is not a container image/);
  });
});

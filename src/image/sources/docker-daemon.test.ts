// The Docker daemon source against an Engine API emulation on a unix socket.
// The exports it serves are real tar archives written by GNU tar in the three
// layouts `docker save` produces (legacy, Docker 25+ OCI, containerd store),
// with members in the orders that make streaming hard. The real dockerd is
// exercised in test/integration/docker-daemon-source.test.ts.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, ImageFormatError } from '../../domain/errors.js';
import { readImage } from '../read-image.js';
import { DockerEngineError } from './docker-daemon-client.js';
import { openDockerDaemonImage } from './docker-daemon.js';
import { sha256, testImage } from './testdata/test-image.js';
import type { TestImage, TestImageOptions } from './testdata/test-image.js';

const hex = (digest: string): string => digest.slice('sha256:'.length);

interface Export {
  readonly id: string;
  readonly tar: string;
}

let work: string;
let socket: string;
let server: Server;
const exportsByName = new Map<string, Export & { inspect: Record<string, unknown> }>();
const requests: string[] = [];

/** Writes `files` (name → bytes) into a directory and tars them up in exactly `order`. */
function writeTar(name: string, files: ReadonlyMap<string, Buffer>, order: readonly string[]): string {
  const dir = path.join(work, name);
  for (const [file, bytes] of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), bytes);
  }
  const tar = path.join(work, `${name}.tar`);
  execFileSync('tar', ['--no-recursion', '-C', dir, '-cf', tar, ...order]);
  return tar;
}

/** docker save of Docker ≤ 24: `<id>/layer.tar` named by a layer ID that is not any digest of the layer. */
function legacySave(name: string, image: TestImage, layerOrder: readonly number[], configFirst: boolean): string {
  const files = new Map<string, Buffer>();
  const layerDirs = image.layers.map((_, i) => hex(sha256(`layer-id-${name}-${i}`)));
  image.layers.forEach((layer, i) => {
    files.set(`${layerDirs[i]}/layer.tar`, layer.tar);
    files.set(`${layerDirs[i]}/VERSION`, Buffer.from('1.0'));
    files.set(`${layerDirs[i]}/json`, Buffer.from(JSON.stringify({ id: layerDirs[i] })));
  });
  files.set(`${hex(image.configDigest)}.json`, image.config);
  files.set('manifest.json', Buffer.from(JSON.stringify([{ Config: `${hex(image.configDigest)}.json`, RepoTags: [`${name}:latest`], Layers: layerDirs.map((d) => `${d}/layer.tar`) }])));
  files.set('repositories', Buffer.from('{}'));
  const layers = layerOrder.flatMap((i) => [`${layerDirs[i]}/`, `${layerDirs[i]}/VERSION`, `${layerDirs[i]}/json`, `${layerDirs[i]}/layer.tar`]);
  const meta = [`${hex(image.configDigest)}.json`, 'manifest.json', 'repositories'];
  return writeTar(name, files, configFirst ? [...meta, ...layers] : [...layers, ...meta]);
}

/** docker save of Docker 25+ (classic store): an OCI layout whose layer blobs are the uncompressed tars. */
function ociSave(name: string, image: TestImage, layerOrder: readonly number[]): string {
  const files = new Map<string, Buffer>();
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: image.configDigest, size: image.config.length },
      layers: image.layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: l.diffId, size: l.tar.length })),
    }),
  );
  for (const layer of image.layers) files.set(`blobs/sha256/${hex(layer.diffId)}`, layer.tar);
  files.set(`blobs/sha256/${hex(image.configDigest)}`, image.config);
  files.set(`blobs/sha256/${hex(sha256(manifest))}`, manifest);
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length }] })));
  files.set('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  files.set('manifest.json', Buffer.from(JSON.stringify([{ Config: `blobs/sha256/${hex(image.configDigest)}`, Layers: image.layers.map((l) => `blobs/sha256/${hex(l.diffId)}`) }])));
  const order = ['blobs/', 'blobs/sha256/', ...layerOrder.map((i) => `blobs/sha256/${hex(image.layers[i]!.diffId)}`), `blobs/sha256/${hex(sha256(manifest))}`, `blobs/sha256/${hex(image.configDigest)}`, 'index.json', 'manifest.json', 'oci-layout'];
  return writeTar(name, files, order);
}

/** docker save with the containerd image store: registry blobs (gzip layers), and the image ID is the manifest digest. */
function containerdSave(name: string, image: TestImage): { tar: string; id: string } {
  const files = new Map<string, Buffer>();
  for (const layer of image.layers) files.set(`blobs/sha256/${hex(layer.digest)}`, layer.gz);
  files.set(`blobs/sha256/${hex(image.configDigest)}`, image.config);
  files.set(`blobs/sha256/${hex(image.manifestDigest)}`, image.manifest);
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: image.manifestDigest, size: image.manifest.length }] })));
  files.set('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  const order = ['blobs/', 'blobs/sha256/', ...[...image.layers].reverse().map((l) => `blobs/sha256/${hex(l.digest)}`), `blobs/sha256/${hex(image.configDigest)}`, `blobs/sha256/${hex(image.manifestDigest)}`, 'index.json', 'oci-layout'];
  return { tar: writeTar(name, files, order), id: image.manifestDigest };
}

function inspectOf(image: TestImage, id: string, name: string): Record<string, unknown> {
  return {
    Id: id,
    RepoTags: [`${name}:latest`],
    RepoDigests: [`registry.example/${name}@${image.manifestDigest}`],
    Os: 'linux',
    Architecture: 'amd64',
    RootFS: { Type: 'layers', Layers: image.layers.map((l) => l.diffId) },
  };
}

const threeLayerFiles: TestImageOptions = {
  layers: [
    { 'etc/os-release': 'ID=debian\n', 'etc/motd': 'base\n' },
    { 'app/hello.txt': 'v1\n', 'etc/motd': 'middle\n' },
    { 'app/hello.txt': 'v2\n' },
  ],
};
const threeLayers = testImage(threeLayerFiles);
// Every export gets its own image (same layers, other config), so image IDs stay unique like in a real Engine.
const variants = new Map<string, TestImage>();
const imageFor = (name: string): TestImage => {
  let image = variants.get(name);
  if (!image) {
    image = testImage({ ...threeLayerFiles, team: name });
    variants.set(name, image);
  }
  return image;
};

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'bulkhead-daemon-'));
  socket = path.join(work, 'docker.sock');
  const add = (name: string, tar: string, id: string, image: TestImage): void => {
    exportsByName.set(name, { id, tar, inspect: inspectOf(image, id, name) });
  };
  const legacy = imageFor('legacy');
  add('legacy', legacySave('legacy', legacy, [2, 0, 1], false), legacy.configDigest, legacy);
  const configFirst = imageFor('legacy-config-first');
  add('legacy-config-first', legacySave('legacy-config-first', configFirst, [1, 2, 0], true), configFirst.configDigest, configFirst);
  const oci = imageFor('oci');
  add('oci', ociSave('oci', oci, [1, 0, 2]), oci.configDigest, oci);
  const containerd = imageFor('containerd');
  const cd = containerdSave('containerd', containerd);
  add('containerd', cd.tar, cd.id, containerd);
  // Layers far bigger than the sniffing window and the stream's chunks: exercises the streamed path and backpressure.
  const big = testImage({
    team: 'containerd-big',
    layers: [{ 'etc/os-release': 'ID=debian\n' }, { 'app/blob.bin': randomBytes(400_000).toString('hex') }, { 'app/hello.txt': 'v2\n', 'etc/motd': 'middle\n' }],
  });
  variants.set('containerd-big', big);
  const cdBig = containerdSave('containerd-big', big);
  add('containerd-big', cdBig.tar, cdBig.id, big);
  const stalled = imageFor('stalled');
  add('stalled', legacySave('stalled', stalled, [0, 1, 2], false), stalled.configDigest, stalled);
  const truncated = imageFor('truncated');
  add('truncated', legacySave('truncated', truncated, [0, 1, 2], false), truncated.configDigest, truncated);
  // An export whose config does not hash to the image ID inspect reported.
  const forged = Buffer.from(threeLayers.config.toString().replace('"app"', '"root"'));
  const forgedFiles = new Map([[`${hex(threeLayers.configDigest)}.json`, forged]]);
  add('forged', writeTar('forged', forgedFiles, [`${hex(threeLayers.configDigest)}.json`]), threeLayers.configDigest, threeLayers);

  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/_ping') {
      res.writeHead(200, { 'api-version': '1.41', 'content-type': 'text/plain' }).end('OK');
      return;
    }
    const m = /^\/v1\.41\/images\/(.+)\/(json|get)$/.exec(req.url ?? '');
    const name = m ? decodeURIComponent(m[1]!) : '';
    const found = [...exportsByName.entries()].find(([n, e]) => n === name || `${n}:latest` === name || e.id === name);
    if (!m || !found) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `No such image: ${name}` }));
      return;
    }
    if (m[2] === 'json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found[1].inspect));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-tar' });
    if (found[0] === 'stalled') {
      // Half the export, then silence with the connection open.
      res.write(readFileSync(found[1].tar).subarray(0, 4096));
      return;
    }
    if (found[0] === 'truncated') {
      const bytes = readFileSync(found[1].tar);
      res.end(bytes.subarray(0, Math.floor(bytes.length / 2)));
      return;
    }
    createReadStream(found[1].tar, { highWaterMark: 4096 }).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

async function scan(name: string) {
  const source = await openDockerDaemonImage(name, { host: `unix://${socket}` });
  try {
    return await readImage(source, { selects: () => true });
  } finally {
    await source.close();
  }
}

describe('openDockerDaemonImage', () => {
  it.each(['legacy', 'legacy-config-first', 'oci', 'containerd', 'containerd-big'])('reads a %s export with layers out of order', async (name) => {
    const { tree, metadata, warnings } = await scan(`${name}:latest`);
    expect(warnings).toEqual([]);
    expect((await tree.read('/app/hello.txt', 100)).toString()).toBe('v2\n');
    expect((await tree.read('/etc/motd', 100)).toString()).toBe('middle\n');
    const image = imageFor(name);
    expect(metadata.configDigest).toBe(image.configDigest);
    expect(metadata.config.labels).toEqual({ team: name });
    expect(metadata.repoTags).toEqual([`${name}:latest`]);
    expect(metadata.repoDigests).toEqual([`registry.example/${name}@${image.manifestDigest}`]);
    expect(metadata.manifestDigest).toBe(image.manifestDigest);
    expect(metadata.layers.map((l) => l.diffId)).toEqual(image.layers.map((l) => l.diffId));
    expect(metadata.config.user).toBe('app');
  });

  it('exports by image ID, so a re-tag during the scan cannot swap the image', async () => {
    requests.length = 0;
    await scan('legacy');
    expect(requests).toContain(`/v1.41/images/${imageFor('legacy').configDigest}/get`);
  });

  it('hands out each layer as a LayerBlob without buffering the export', async () => {
    const source = await openDockerDaemonImage('oci', { host: `unix://${socket}` });
    const seen: (string | undefined)[] = [];
    for await (const blob of source.layers()) {
      seen.push(blob.diffId);
      const stream = await blob.open();
      for await (const chunk of stream) void chunk;
    }
    expect(seen).toEqual([1, 0, 2].map((i) => imageFor('oci').layers[i]!.diffId));
    expect((await source.metadata()).configDigest).toBe(imageFor('oci').configDigest);
  });

  it('skips layers nobody opens and still finds the config', async () => {
    const source = await openDockerDaemonImage('legacy', { host: `unix://${socket}` });
    let count = 0;
    for await (const blob of source.layers()) {
      void blob;
      count++;
    }
    expect(count).toBe(3);
    expect((await source.metadata()).config.user).toBe('app');
  });

  it('metadata() alone reads the export once', async () => {
    const source = await openDockerDaemonImage('legacy-config-first', { host: `unix://${socket}` });
    expect((await source.metadata()).layers).toHaveLength(3);
  });

  it('gives up on an export that stalls', async () => {
    const source = await openDockerDaemonImage('stalled', { host: `unix://${socket}`, timeoutMs: 300 });
    const started = Date.now();
    await expect(readImage(source, { selects: () => true })).rejects.toThrow(DockerEngineError);
    expect(Date.now() - started).toBeLessThan(5_000);
    await source.close();
  });

  it('reports a truncated export', async () => {
    const source = await openDockerDaemonImage('truncated', { host: `unix://${socket}` });
    await expect(readImage(source, { selects: () => true })).rejects.toThrow(/truncated/);
    await source.close();
  });

  it('names a missing image the way the user can fix it', async () => {
    await expect(openDockerDaemonImage('nope:1', { host: `unix://${socket}` })).rejects.toThrow(
      new BadInputError('image not found in the local Docker Engine: nope:1 (docker pull it first)'),
    );
  });

  it('refuses a config that does not hash to the image ID', async () => {
    const source = await openDockerDaemonImage('forged', { host: `unix://${socket}` });
    await expect(source.metadata()).rejects.toThrow(ImageFormatError);
  });

  it('names the socket when the daemon is unreachable', async () => {
    const missing = path.join(work, 'missing.sock');
    const error = await openDockerDaemonImage('debian', { host: `unix://${missing}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerEngineError);
    expect((error as Error).message).toBe(
      `cannot reach the Docker Engine at unix://${missing}: ENOENT (is dockerd running? set DOCKER_HOST or --docker-host)`,
    );
  });

  it.each(['../../containers/json', 'debian/../../x', '/images', 'a b'])('refuses %j as an image name', async (name) => {
    await expect(openDockerDaemonImage(name, { host: `unix://${socket}` })).rejects.toThrow(BadInputError);
  });

  it('refuses unsupported Docker hosts', async () => {
    await expect(openDockerDaemonImage('debian', { host: 'ssh://user@host' })).rejects.toThrow(/not supported/);
  });
});

/**
 * Builds small test images for the registry and daemon source tests: layer
 * tars are written by GNU tar from real directories, compressed with zlib,
 * and described by a config and manifest whose digests are the sha256 of the
 * bytes (the definition of a content digest, not this project's code).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const sha256 = (bytes: Buffer | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export interface TestLayer {
  readonly tar: Buffer;
  readonly gz: Buffer;
  readonly diffId: string;
  readonly digest: string;
}

export interface TestImage {
  readonly layers: readonly TestLayer[];
  readonly config: Buffer;
  readonly configDigest: string;
  readonly manifest: Buffer;
  readonly manifestDigest: string;
}

/** A layer tar of `files` (path → content), written by GNU tar. */
export function tarLayer(files: Readonly<Record<string, string>>): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bulkhead-layer-'));
  try {
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
    return execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-C', dir, '-cf', '-', '.'], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function testLayer(files: Readonly<Record<string, string>>): TestLayer {
  const tar = tarLayer(files);
  const gz = gzipSync(tar);
  return { tar, gz, diffId: sha256(tar), digest: sha256(gz) };
}

export interface TestImageOptions {
  readonly architecture?: string;
  readonly variant?: string;
  readonly layers?: readonly Readonly<Record<string, string>>[];
  readonly user?: string;
  readonly mediaTypes?: 'docker' | 'oci';
  /** Value of the `team` label: lets tests make otherwise identical images distinct. */
  readonly team?: string;
}

export function testImage(options: TestImageOptions = {}): TestImage {
  const layers = (options.layers ?? [{ 'etc/os-release': 'ID=debian\nVERSION_ID="12"\n' }, { 'app/hello.txt': 'hello\n' }]).map(testLayer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: options.architecture ?? 'amd64',
      ...(options.variant ? { variant: options.variant } : {}),
      os: 'linux',
      created: '2024-05-01T00:00:00Z',
      config: { User: options.user ?? 'app', Env: ['PATH=/usr/bin'], Cmd: ['/bin/sh'], Labels: { team: options.team ?? 'core' } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created: '2024-05-01T00:00:00Z', created_by: `step ${i}` })),
    }),
  );
  const oci = options.mediaTypes === 'oci';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: oci ? 'application/vnd.oci.image.manifest.v1+json' : 'application/vnd.docker.distribution.manifest.v2+json',
      config: {
        mediaType: oci ? 'application/vnd.oci.image.config.v1+json' : 'application/vnd.docker.container.image.v1+json',
        size: config.length,
        digest: sha256(config),
      },
      layers: layers.map((l) => ({
        mediaType: oci ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: l.gz.length,
        digest: l.digest,
      })),
    }),
  );
  return { layers, config, configDigest: sha256(config), manifest, manifestDigest: sha256(manifest) };
}

import { describe, expect, it } from 'vitest';
import { ImageFormatError } from '../domain/errors.js';
import { parseImageConfig } from './image-config.js';

// Shaped like `docker save` writes it (Docker 20-era config with container_config and nulls).
const dockerConfig = {
  architecture: 'arm64',
  variant: 'v8',
  os: 'linux',
  created: '2024-01-02T03:04:05Z',
  author: 'someone',
  config: {
    User: 'app',
    Env: ['PATH=/usr/local/bin:/usr/bin', 'LANG=C.UTF-8'],
    Entrypoint: null,
    Cmd: '/bin/sh -c "exec app"',
    WorkingDir: '/srv',
    ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
    Volumes: { '/data': {} },
    Labels: { 'org.opencontainers.image.source': 'https://example.com/app' },
    Healthcheck: { Test: ['CMD', 'curl', '-f', 'http://localhost/'], Interval: 30000000000, Retries: 3 },
    StopSignal: 'SIGTERM',
    OnBuild: null,
  },
  container_config: { Cmd: ['/bin/sh', '-c', '#(nop) CMD'] },
  rootfs: { type: 'layers', diff_ids: [`sha256:${'a'.repeat(64)}`, `sha256:${'b'.repeat(64)}`] },
  history: [
    { created: '2024-01-01T00:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
    { created_by: '/bin/sh -c #(nop)  ENV LANG=C.UTF-8', empty_layer: true },
    { created: '2024-01-02T00:00:00Z', created_by: 'RUN /bin/sh -c apt-get update', comment: 'buildkit.dockerfile.v0' },
  ],
};

describe('parseImageConfig', () => {
  it('maps the Docker/OCI config to ImageMetadata', () => {
    const meta = parseImageConfig(Buffer.from(JSON.stringify(dockerConfig)), {
      configDigest: `sha256:${'c'.repeat(64)}`,
      repoTags: ['app:1'],
      layers: [{ digest: `sha256:${'d'.repeat(64)}`, size: 10 }],
    });
    expect(meta).toMatchObject({ os: 'linux', architecture: 'arm64', variant: 'v8', repoTags: ['app:1'], author: 'someone' });
    expect(meta.config).toEqual({
      user: 'app',
      env: ['PATH=/usr/local/bin:/usr/bin', 'LANG=C.UTF-8'],
      cmd: ['/bin/sh -c "exec app"'],
      workingDir: '/srv',
      exposedPorts: ['8080/tcp', '53/udp'],
      volumes: ['/data'],
      labels: { 'org.opencontainers.image.source': 'https://example.com/app' },
      healthcheck: { test: ['CMD', 'curl', '-f', 'http://localhost/'], interval: 30000000000, retries: 3 },
      stopSignal: 'SIGTERM',
    });
    expect(meta.history.map((h) => h.emptyLayer)).toEqual([false, true, false]);
    expect(meta.layers).toEqual([
      { index: 0, diffId: `sha256:${'a'.repeat(64)}`, digest: `sha256:${'d'.repeat(64)}`, size: 10, createdBy: '/bin/sh -c #(nop) ADD file:abc in / ', created: '2024-01-01T00:00:00Z' },
      { index: 1, diffId: `sha256:${'b'.repeat(64)}`, createdBy: 'RUN /bin/sh -c apt-get update', created: '2024-01-02T00:00:00Z' },
    ]);
  });

  it('rejects malformed configs with ImageFormatError', () => {
    const ctx = { configDigest: `sha256:${'c'.repeat(64)}` };
    expect(() => parseImageConfig('{', ctx)).toThrow(ImageFormatError);
    expect(() => parseImageConfig(JSON.stringify({ ...dockerConfig, rootfs: { type: 'layers', diff_ids: ['sha256:../x'] } }), ctx)).toThrow(/rootfs.diff_ids/);
    expect(() => parseImageConfig(JSON.stringify({ os: 'linux' }), ctx)).toThrow(ImageFormatError);
  });
});

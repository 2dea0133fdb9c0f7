import { describe, expect, it } from 'vitest';
import type { ImageMetadata } from '../domain/image.js';
import type { Inventory, TargetKind } from '../domain/inventory.js';
import { parsePurl } from '../domain/purl.js';
import { imageSubject } from './image-subject.js';

const digest = `sha256:${'244fd47e07d1'.padEnd(64, '0')}`;
const config = `sha256:${'c'.repeat(64)}`;

function inventory(kind: TargetKind, reference: string, image?: Partial<ImageMetadata>): Inventory {
  return {
    schema: 'bulkhead.inventory/v1',
    id: 'x',
    target: { kind, reference },
    ...(image
      ? {
          image: {
            configDigest: config,
            repoTags: [],
            repoDigests: [],
            os: 'linux',
            architecture: 'amd64',
            config: { env: [], exposedPorts: [], volumes: [], labels: {} },
            history: [],
            layers: [],
            ...image,
          },
        }
      : {}),
    packages: [],
    relationships: [],
    catalogers: [],
    warnings: [],
    createdAt: '2024-01-01T00:00:00Z',
    tool: { name: 'bulkhead', version: '0' },
  };
}

// Expected purls follow the purl spec's oci type (PURL-TYPES.rst), whose example is
// pkg:oci/debian@sha256%3A244fd47e07d10?repository_url=docker.io/library/debian&arch=amd64&tag=latest
describe('imageSubject', () => {
  it('expands a Docker Hub short name the way docker does', () => {
    const subject = imageSubject(inventory('docker-archive', 'debian.tar', { repoTags: ['debian:latest'], manifestDigest: digest }));
    expect(subject).toEqual({
      kind: 'container',
      name: 'debian:latest',
      version: digest,
      purl: `pkg:oci/debian@sha256%3A${digest.slice(7)}?arch=amd64&repository_url=docker.io/library/debian&tag=latest`,
    });
    expect(parsePurl(subject.purl ?? '')).toMatchObject({
      type: 'oci',
      name: 'debian',
      version: digest,
      qualifiers: { repository_url: 'docker.io/library/debian', tag: 'latest', arch: 'amd64' },
    });
  });

  it('keeps a registry with a port and a nested repository', () => {
    const subject = imageSubject(inventory('registry', 'localhost:5000/team/sub/app:v2', { repoTags: [], manifestDigest: digest }));
    expect(subject.name).toBe('localhost:5000/team/sub/app:v2');
    expect(parsePurl(subject.purl ?? '').qualifiers).toMatchObject({ repository_url: 'localhost:5000/team/sub/app', tag: 'v2' });
    expect(parsePurl(subject.purl ?? '').name).toBe('app');
  });

  it('falls back from manifest digest to repo digest to config digest', () => {
    expect(imageSubject(inventory('docker', 'x', { repoDigests: [`debian@${digest}`] })).version).toBe(digest);
    expect(imageSubject(inventory('docker-archive', 'x.tar', {})).version).toBe(config);
  });

  it('names an untagged archive by its file, without a repository_url', () => {
    const subject = imageSubject(inventory('oci-archive', '/tmp/build/My App.tar', {}));
    expect(subject.name).toBe('/tmp/build/My App.tar');
    expect(parsePurl(subject.purl ?? '')).toMatchObject({ name: 'my-app', version: config, qualifiers: { arch: 'amd64' } });
  });

  it('describes a directory target as a file without purl', () => {
    expect(imageSubject(inventory('dir', '/srv/app'))).toEqual({ kind: 'file', name: '/srv/app' });
  });
});

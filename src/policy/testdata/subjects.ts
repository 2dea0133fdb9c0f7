/** Builders for test subjects: real-looking packages, findings and image metadata. */
import type { Finding } from '../../domain/finding.js';
import type { ImageMetadata } from '../../domain/image.js';
import type { Package } from '../../domain/package.js';
import type { Subject } from '../../domain/subject.js';

export function pkg(over: Partial<Package> & Pick<Package, 'name' | 'version'>): Package {
  const ecosystem = over.ecosystem ?? 'deb';
  return {
    id: `${ecosystem}:${over.name}@${over.version}`,
    ecosystem,
    purl: `pkg:${ecosystem}/${over.name}@${over.version}`,
    licenses: [],
    locations: [{ path: '/var/lib/dpkg/status', layer: 'sha256:' + 'a'.repeat(64) }],
    foundBy: 'os/dpkg',
    ...over,
  };
}

export function vuln(over: Partial<Finding> & Pick<Finding, 'id'>): Finding {
  return {
    kind: 'vulnerability',
    aliases: [],
    package: { id: 'deb:openssl', ecosystem: 'deb', name: 'openssl', version: '1.0.1e-2', purl: 'pkg:deb/debian/openssl@1.0.1e-2', path: '/var/lib/dpkg/status', layer: 'sha256:' + 'b'.repeat(64) },
    severity: 'high',
    ratings: [],
    fixedVersions: [],
    status: 'unfixed',
    references: [],
    evidence: { source: 'osv:Debian', matchedBy: 'source-package', lookupName: 'openssl' },
    ...over,
  };
}

export function imageMeta(over: Partial<ImageMetadata['config']> = {}, top: Partial<ImageMetadata> = {}): ImageMetadata {
  return {
    configDigest: 'sha256:' + 'c'.repeat(64),
    repoTags: [],
    repoDigests: [],
    os: 'linux',
    architecture: 'amd64',
    created: '2026-01-01T00:00:00Z',
    config: { env: ['PATH=/usr/bin'], exposedPorts: [], volumes: [], labels: {}, ...over },
    history: [],
    layers: [{ index: 0, diffId: 'sha256:' + 'a'.repeat(64), createdBy: '/bin/sh -c #(nop) ADD file:abc in /' }],
    ...top,
  };
}

export function subject(over: Partial<Subject> = {}): Subject {
  return {
    image: { reference: 'docker.io/library/debian:12', registry: 'docker.io', repository: 'docker.io/library/debian', tags: ['12'], metadata: imageMeta() },
    packages: [],
    findings: [],
    ...over,
  };
}

import type { Inventory } from '../domain/inventory.js';

/** What an SBOM describes: the scanned image (or directory/SBOM), named for humans and by purl. */
export interface ImageSubject {
  readonly kind: 'container' | 'file';
  /** First repo tag, else the reference the user gave. */
  readonly name: string;
  /** The image digest (manifest digest where known, else the config digest). */
  readonly version?: string;
  readonly purl?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function imageSubject(inv: Inventory): ImageSubject {
  const image = inv.image;
  if (image === undefined) return { kind: 'file', name: inv.target.reference };
  const name = image.repoTags[0] ?? inv.target.reference;
  const version = imageDigest(image.manifestDigest, image.repoDigests, image.configDigest);
  const purl = version === undefined ? undefined : ociPurl(name, version, inv, image.architecture);
  return { kind: 'container', name, version, purl };
}

function imageDigest(manifest: string | undefined, repoDigests: readonly string[], config: string): string | undefined {
  if (manifest !== undefined && DIGEST.test(manifest)) return manifest;
  for (const repoDigest of repoDigests) {
    const digest = repoDigest.slice(repoDigest.lastIndexOf('@') + 1);
    if (DIGEST.test(digest)) return digest;
  }
  return DIGEST.test(config) ? config : undefined;
}

/**
 * pkg:oci/<last repository segment>@<digest>?repository_url=… as the purl
 * spec's oci type describes it. References that are not image names (file
 * paths of archives) give a purl without repository_url.
 */
function ociPurl(name: string, digest: string, inv: Inventory, arch: string): string | undefined {
  const ref = parseImageReference(name);
  const fromRegistry = ref !== undefined && (inv.image?.repoTags.length !== 0 || isRemoteKind(inv.target.kind));
  const fallback = baseName(name);
  const purlName = fromRegistry ? ref.repository.slice(ref.repository.lastIndexOf('/') + 1) : fallback;
  if (purlName === '') return undefined;
  const qualifiers: [string, string | undefined][] = [
    ['arch', arch || undefined],
    ['repository_url', fromRegistry ? `${ref.registry}/${ref.repository}` : undefined],
    ['tag', fromRegistry ? ref.tag : undefined],
  ];
  // Spelled like the purl spec's oci examples (digest colon as %3A, slashes
  // of repository_url kept); any purl parser reads it back to the same parts.
  const query = qualifiers
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(value).replace(/%2F/g, '/')}`)
    .join('&');
  return `pkg:oci/${encodeURIComponent(purlName.toLowerCase())}@${encodeURIComponent(digest)}${query ? `?${query}` : ''}`;
}

function isRemoteKind(kind: Inventory['target']['kind']): boolean {
  return kind === 'registry' || kind === 'docker';
}

function baseName(path: string): string {
  const last = path.replace(/\/+$/, '').split('/').pop() ?? '';
  return last.replace(/\.(tar|tar\.gz|tgz|oci)$/i, '').replace(/[^A-Za-z0-9._-]/g, '-');
}

interface ImageReference {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
}

// Docker's reference grammar, simplified: lowercase path components, optional tag.
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Splits `registry/repo:tag@digest` the way docker does, Docker Hub names expanded. */
function parseImageReference(reference: string): ImageReference | undefined {
  let rest = reference;
  const at = rest.indexOf('@');
  if (at >= 0) rest = rest.slice(0, at);
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (!REPOSITORY.test(repository) || !/^[A-Za-z0-9.-]+(:[0-9]+)?$/.test(registry)) return undefined;
  return { registry, repository, tag };
}

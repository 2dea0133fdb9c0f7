/**
 * Who an uploaded image is: the digest it is stored under and every
 * repository and tag it was seen as. The digest is the manifest digest when
 * anything names one (the upload, its reference, the inventory), else the
 * config digest (the image ID `docker images` shows; what a local build or a
 * docker-archive has), else the inventory id (directories, SBOMs).
 */
import { BadInputError } from '../../domain/errors.js';
import type { Inventory } from '../../domain/inventory.js';
import { formatReference, parseImageReference, repositoryName, type ImageReference } from '../../image/sources/image-reference.js';

export interface SeenReference {
  /** 'docker.io/library/debian:12' */
  readonly reference: string;
  readonly repository: string;
  readonly tag: string;
  readonly registry: string;
}

export interface ImageIdentity {
  readonly digest: string;
  readonly registry: string | null;
  /** Canonical repository names with registry, first the upload's own. */
  readonly repositories: readonly string[];
  /** Tagged references only (a digest-pinned reference names a repository, not a tag). */
  readonly tags: readonly SeenReference[];
}

export const DIGEST_PATTERN = /^sha(256:[a-f0-9]{64}|384:[a-f0-9]{96}|512:[a-f0-9]{128})$/;

function tryParse(text: string): ImageReference | undefined {
  try {
    return parseImageReference(text);
  } catch {
    return undefined;
  }
}

export function imageIdentity(inventory: Inventory, upload: { readonly reference?: string; readonly digest?: string }): ImageIdentity {
  const named: ImageReference[] = [];
  if (upload.reference !== undefined) {
    // The reference the user gave must make sense; names found inside the image are best effort.
    named.push(parseImageReference(upload.reference.replace(/^(registry|docker):/, '')));
  }
  if (inventory.target.kind === 'registry' || inventory.target.kind === 'docker') {
    const ref = tryParse(inventory.target.reference.replace(/^(registry|docker):/, ''));
    if (ref) named.push(ref);
  }
  for (const text of [...(inventory.image?.repoTags ?? []), ...(inventory.image?.repoDigests ?? [])]) {
    const ref = tryParse(text);
    if (ref) named.push(ref);
  }
  const digest = upload.digest ?? named.find((r) => r.digest)?.digest ?? inventory.image?.manifestDigest ?? inventory.image?.configDigest ?? inventory.id;
  if (!DIGEST_PATTERN.test(digest)) throw new BadInputError(`image digest ${JSON.stringify(digest.slice(0, 200))} is not a sha256/sha384/sha512 digest`);

  const repositories = [...new Set(named.map(repositoryName))];
  const tags = new Map<string, SeenReference>();
  for (const ref of named) {
    if (ref.tag === undefined) continue;
    const tagged: ImageReference = { domain: ref.domain, path: ref.path, tag: ref.tag };
    const reference = formatReference(tagged);
    if (!tags.has(reference)) tags.set(reference, { reference, repository: repositoryName(ref), tag: ref.tag, registry: ref.domain });
  }
  return { digest, registry: named[0]?.domain ?? null, repositories, tags: [...tags.values()] };
}

/**
 * Resolves image references to the digest the kubelet would pull and the
 * image's config (its USER, labels, …), through the registry client of
 * image/sources — manifest and config blob only, never layers. Credentials
 * come from the Docker config ($DOCKER_CONFIG/config.json), as for every
 * registry read. Tag answers are cached for a short while (a tag may move);
 * digest answers for long (a digest never changes). Concurrent requests for
 * one reference share one registry round trip.
 */
import type { ImageMetadata } from '../../domain/image.js';
import { formatReference, parseImageReference, repositoryName } from '../../image/sources/image-reference.js';
import { openRegistryImage } from '../../image/sources/registry.js';
import { createTtlCache } from './ttl-cache.js';

export interface ResolvedImage {
  /** The normalized reference as written ('docker.io/library/debian:12'). */
  readonly reference: string;
  /** 'docker.io/library/debian' */
  readonly repository: string;
  readonly registry: string;
  readonly tag?: string;
  /** The digest the reference resolves to (an index's when the tag names one): what a pinned reference must carry. */
  readonly digest: string;
  /** The platform manifest's digest (differs from digest for multi-platform images). */
  readonly manifestDigest: string;
  readonly metadata: ImageMetadata;
}

export interface ImageResolverOptions {
  /** Registries (host[:port]) reached over plain HTTP when HTTPS fails. */
  readonly insecureRegistries?: readonly string[];
  readonly tagTtlMs: number;
  readonly maxEntries?: number;
}

export interface ImageResolver {
  /** Resolves within the deadline (epoch ms); rejects with the registry's error or a timeout. */
  resolve(reference: string, deadline: number): Promise<ResolvedImage>;
}

const DIGEST_TTL_MS = 24 * 3600_000;

export function createImageResolver(options: ImageResolverOptions): ImageResolver {
  const insecure = new Set(options.insecureRegistries ?? []);
  const cache = createTtlCache<ResolvedImage>({ maxEntries: options.maxEntries ?? 10_000, ttlMs: options.tagTtlMs });
  const inflight = new Map<string, Promise<ResolvedImage>>();

  async function fetchResolved(reference: string, timeoutMs: number): Promise<ResolvedImage> {
    const ref = parseImageReference(reference);
    const source = await openRegistryImage(formatReference(ref), {
      insecure: insecure.has(ref.domain),
      timeoutMs,
    });
    try {
      const metadata = await source.metadata();
      const pulled = metadata.repoDigests[0]?.split('@')[1] ?? metadata.manifestDigest;
      const digest = ref.digest ?? pulled;
      if (!digest) throw new Error(`registry gave no digest for ${reference}`);
      return {
        reference: formatReference(ref),
        repository: repositoryName(ref),
        registry: ref.domain,
        ...(ref.tag !== undefined ? { tag: ref.tag } : {}),
        digest,
        manifestDigest: metadata.manifestDigest ?? digest,
        metadata,
      };
    } finally {
      await source.close();
    }
  }

  return {
    async resolve(reference, deadline) {
      const key = formatReference(parseImageReference(reference));
      const hit = cache.get(key);
      if (hit) return hit;
      let pending = inflight.get(key);
      if (!pending) {
        const timeoutMs = Math.max(100, deadline - Date.now());
        pending = fetchResolved(key, timeoutMs).then(
          (resolved) => {
            cache.set(key, resolved, key.includes('@') ? DIGEST_TTL_MS : options.tagTtlMs);
            return resolved;
          },
        );
        pending.finally(() => inflight.delete(key)).catch(() => undefined);
        inflight.set(key, pending);
      }
      return pending;
    },
  };
}

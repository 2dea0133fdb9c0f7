/**
 * Standalone image assessment (`--policy FILE --db FILE`, no console): the
 * image is resolved to its digest in its registry, then inventoried, matched
 * and checked on the spot by the same gate the CLI uses (gateTarget). The
 * resulting subject is cached per digest; deploy settings, environment and
 * namespace are added per request and evaluated there. A scan that outlives
 * the webhook's budget keeps running and fills the cache for the next try.
 */
import { errorMessage } from './error-message.js';
import { gateTarget } from '../../policy/gate-target.js';
import type { PolicySet } from '../../policy/policy-set.js';
import { withinDeadline, type ImageAssessor } from './image-assessor.js';
import type { ImageResolver, ResolvedImage } from './image-resolver.js';
import { createTtlCache } from './ttl-cache.js';
import type { Subject } from '../../domain/subject.js';

export interface StandaloneAssessorOptions {
  readonly policy: () => PolicySet;
  /** Advisory database file. */
  readonly db: string;
  readonly resolver: ImageResolver;
  readonly insecureRegistries?: readonly string[];
  /** How long a scan result stays valid (the advisory database moves on). */
  readonly verdictTtlMs: number;
  readonly maxEntries?: number;
  readonly onScanError?: (reference: string, error: unknown) => void;
}

export function createStandaloneAssessor(options: StandaloneAssessorOptions): ImageAssessor {
  const subjects = createTtlCache<Subject>({ maxEntries: options.maxEntries ?? 5_000, ttlMs: options.verdictTtlMs });
  const scans = new Map<string, Promise<Subject>>();
  const insecure = new Set(options.insecureRegistries ?? []);

  function scan(resolved: ResolvedImage): Promise<Subject> {
    const key = resolved.digest;
    let pending = scans.get(key);
    if (!pending) {
      pending = gateTarget(
        { kind: 'registry', value: `${resolved.repository}@${resolved.digest}` },
        {
          policy: options.policy(),
          db: options.db,
          insecure: insecure.has(resolved.registry),
        },
      ).then((result) => {
        const subject = result.subject;
        // Keep the reference as the workload wrote it (tag scopes match on it) with the digest scanned.
        const image = subject.image ? { ...subject.image, reference: resolved.reference, tags: resolved.tag ? [resolved.tag] : [], digest: resolved.digest } : undefined;
        const kept: Subject = { ...subject, ...(image ? { image } : {}) };
        subjects.set(key, kept);
        return kept;
      });
      pending.finally(() => scans.delete(key)).catch((error: unknown) => options.onScanError?.(resolved.reference, error));
      scans.set(key, pending);
    }
    return pending;
  }

  return {
    async assess(reference, deadline) {
      let resolved: ResolvedImage | undefined;
      try {
        // The registry round trip goes on past the deadline and fills the resolver's cache.
        resolved = await withinDeadline(options.resolver.resolve(reference, deadline), deadline);
      } catch (error) {
        return { kind: 'unavailable', reference, reason: `cannot resolve ${reference} in its registry: ${errorMessage(error)}` };
      }
      if (!resolved) return { kind: 'unavailable', reference, reason: `resolving ${reference} in its registry did not finish within the admission budget` };
      const cached = subjects.get(resolved.digest);
      if (cached) return { kind: 'subject', reference: resolved.reference, digest: resolved.digest, subject: { ...cached, image: { ...(cached.image ?? { tags: [] }), reference: resolved.reference, tags: resolved.tag ? [resolved.tag] : [] } } };
      try {
        const subject = await withinDeadline(scan(resolved), deadline);
        if (subject) return { kind: 'subject', reference: resolved.reference, digest: resolved.digest, subject };
        return { kind: 'unavailable', reference: resolved.reference, digest: resolved.digest, metadata: resolved.metadata, reason: `the scan of ${resolved.reference} did not finish within the admission budget (it goes on in the background)` };
      } catch (error) {
        return { kind: 'unavailable', reference: resolved.reference, digest: resolved.digest, metadata: resolved.metadata, reason: `cannot scan ${resolved.reference}: ${errorMessage(error)}` };
      }
    },
  };
}

/**
 * Connected image assessment (`--console URL --token T`): the console holds
 * every image's verdict by digest. The webhook resolves a tag to its digest
 * through the registry (the console cannot know what a tag means today),
 * asks the console for that digest's verdict, and for an image the console
 * never saw asks it to scan the image and polls for the verdict until the
 * admission budget runs out. Verdicts are cached; the console's list of
 * verdict changes (new advisories, policy edits) evicts them within one
 * poll interval.
 */
import type { ImageVerdict } from '../../domain/enforcement.js';
import { parseImageReference, repositoryName, formatReference } from '../../image/sources/image-reference.js';
import type { ConsoleClient } from './console-client.js';
import { errorMessage } from './error-message.js';
import { withinDeadline, type ImageAssessment, type ImageAssessor } from './image-assessor.js';
import type { ImageResolver, ResolvedImage } from './image-resolver.js';
import { createTtlCache } from './ttl-cache.js';

export interface ConnectedAssessorOptions {
  readonly client: ConsoleClient;
  readonly resolver: ImageResolver;
  readonly verdictTtlMs: number;
  /** How often to ask the console for verdict changes; 0 = never. */
  readonly changesIntervalMs: number;
  /** How often to ask again for the verdict of an image being scanned. */
  readonly scanPollMs?: number;
  readonly maxEntries?: number;
  readonly onError?: (message: string) => void;
}

export interface ConnectedAssessor extends ImageAssessor {
  /** Drops cached verdicts of these digests (they changed on the console). */
  invalidate(digests: readonly string[]): void;
  /** One round of the verdict-change poll (the timer calls it; tests may too). */
  pollChanges(): Promise<void>;
  close(): void;
}

const SCAN_REQUEST_TTL_MS = 10 * 60_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function createConnectedAssessor(options: ConnectedAssessorOptions): ConnectedAssessor {
  const { client, resolver } = options;
  const verdicts = createTtlCache<ImageVerdict>({ maxEntries: options.maxEntries ?? 10_000, ttlMs: options.verdictTtlMs });
  // Digests whose scan was asked for recently: ask once, not on every admission.
  const scanRequested = createTtlCache<true>({ maxEntries: options.maxEntries ?? 10_000, ttlMs: SCAN_REQUEST_TTL_MS });
  const pollMs = options.scanPollMs ?? 250;
  const started = new Date().toISOString();
  let since: string | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function lookup(candidates: readonly string[], deadline: number): Promise<ImageVerdict | undefined> {
    for (const digest of candidates) {
      const cached = verdicts.get(digest);
      if (cached) return cached;
    }
    for (const digest of candidates) {
      const verdict = await client.imageVerdict(digest, Math.max(50, deadline - Date.now()));
      if (verdict) {
        verdicts.set(candidates[0] as string, verdict);
        return verdict;
      }
    }
    return undefined;
  }

  const assessor: ConnectedAssessor = {
    async assess(reference, deadline): Promise<ImageAssessment> {
      let ref;
      try {
        ref = parseImageReference(reference);
      } catch (error) {
        return { kind: 'unavailable', reference, reason: errorMessage(error) };
      }
      const normalized = formatReference(ref);
      let resolved: ResolvedImage | undefined;
      let resolveError: unknown;
      // A pinned digest needs no registry for the verdict; the config (USER) is still worth having.
      const cachedFirst = ref.digest ? verdicts.get(ref.digest) : undefined;
      if (!cachedFirst) {
        try {
          resolved = await withinDeadline(resolver.resolve(normalized, deadline), deadline);
          if (!resolved) resolveError = new Error('the registry did not answer within the admission budget');
        } catch (error) {
          resolveError = error;
        }
      }
      const digest = ref.digest ?? resolved?.digest;
      if (!digest) return { kind: 'unavailable', reference: normalized, reason: `cannot resolve ${normalized} to a digest: ${errorMessage(resolveError)}` };
      const metadata = resolved?.metadata;
      if (cachedFirst) return { kind: 'verdict', reference: normalized, digest, verdict: cachedFirst };
      const candidates = [...new Set([digest, ...(resolved ? [resolved.manifestDigest] : [])])];
      try {
        let verdict = await lookup(candidates, deadline);
        if (!verdict) {
          if (!scanRequested.get(digest)) {
            await client.requestScan(`registry:${repositoryName(ref)}@${digest}`, Math.max(50, deadline - Date.now()));
            scanRequested.set(digest, true);
          }
          while (!verdict && Date.now() + pollMs < deadline) {
            await sleep(pollMs);
            verdict = await lookup(candidates, deadline);
          }
        }
        if (verdict) return { kind: 'verdict', reference: normalized, digest, verdict, ...(metadata ? { metadata } : {}) };
        return { kind: 'unavailable', reference: normalized, digest, ...(metadata ? { metadata } : {}), reason: `the console has no verdict for ${normalized} (${digest}) yet; a scan was requested` };
      } catch (error) {
        return { kind: 'unavailable', reference: normalized, digest, ...(metadata ? { metadata } : {}), reason: errorMessage(error) };
      }
    },
    invalidate(digests) {
      for (const d of digests) verdicts.delete(d);
    },
    async pollChanges() {
      // Start from the moment the webhook started: nothing it caches is older than that.
      since ??= started;
      const { changes, now } = await client.verdictChanges(since);
      assessor.invalidate(changes.map((c) => c.digest));
      since = now;
    },
    close() {
      clearInterval(timer);
    },
  };
  if (options.changesIntervalMs > 0) {
    timer = setInterval(() => {
      assessor.pollChanges().catch((error: unknown) => options.onError?.(`verdict changes: ${errorMessage(error)}`));
    }, options.changesIntervalMs);
    timer.unref();
    assessor.pollChanges().catch((error: unknown) => options.onError?.(`verdict changes: ${errorMessage(error)}`));
  }
  return assessor;
}

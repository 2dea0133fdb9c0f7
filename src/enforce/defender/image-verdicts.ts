/**
 * What the defender knows about each image, by image ID (the config digest
 * dockerd reports): the subject from a scan on the spot (so a new policy or
 * advisory snapshot re-evaluates without re-scanning) or, connected, the
 * console's decision by manifest digest. An image seen for the first time is
 * scanned from the local daemon; the caller waits at most the time budget,
 * the scan finishing in the background either way, and concurrent requests
 * for one image share one scan.
 */
import type { Decision } from '../../domain/decision.js';
import type { Subject } from '../../domain/subject.js';

export type ImageKnowledge =
  | { readonly kind: 'subject'; readonly subject: Subject; readonly source: 'cache' | 'scan' }
  | { readonly kind: 'console'; readonly decision: Decision; readonly digest: string }
  | { readonly kind: 'pending'; readonly reason: string };

export interface ImageToJudge {
  /** Image ID, 'sha256:…'. */
  readonly id: string;
  readonly reference: string;
  /** Manifest digests from RepoDigests ('sha256:…'). */
  readonly manifestDigests: readonly string[];
}

export interface ImageVerdictsOptions {
  readonly scan: (image: ImageToJudge) => Promise<Subject>;
  /** Connected mode: the console's decision for a manifest digest, undefined when it has none. */
  readonly consoleDecision?: (digest: string) => Promise<Decision | undefined>;
  readonly budgetMs: number;
  /** Retry a failed scan after this long. */
  readonly retryAfterMs?: number;
  readonly onScanned?: (image: ImageToJudge, subject: Subject) => void;
  readonly log?: (line: string) => void;
}

export interface ImageVerdicts {
  knowledge(image: ImageToJudge): Promise<ImageKnowledge>;
  /** Subjects known now, by image ID (for the running-container checks and the cache file). */
  subjects(): ReadonlyMap<string, Subject>;
  remember(id: string, subject: Subject): void;
  /** Console decisions by manifest digest. */
  setConsoleDecision(digest: string, decision: Decision): void;
  forgetConsoleDecision(digest: string): void;
}

function timeout(ms: number): { promise: Promise<'timeout'>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

export function createImageVerdicts(options: ImageVerdictsOptions): ImageVerdicts {
  const known = new Map<string, Subject>();
  const consoleDecisions = new Map<string, Decision>();
  const inflight = new Map<string, Promise<Subject>>();
  const failed = new Map<string, { at: number; reason: string }>();
  const retryAfter = options.retryAfterMs ?? 60_000;

  const startScan = (image: ImageToJudge): Promise<Subject> => {
    let p = inflight.get(image.id);
    if (p) return p;
    p = options
      .scan(image)
      .then((subject) => {
        known.set(image.id, subject);
        failed.delete(image.id);
        options.onScanned?.(image, subject);
        return subject;
      })
      .catch((error: unknown) => {
        const reason = (error as Error).message;
        failed.set(image.id, { at: Date.now(), reason });
        options.log?.(`scan of ${image.reference} (${image.id}) failed: ${reason}`);
        throw error;
      })
      .finally(() => inflight.delete(image.id));
    inflight.set(image.id, p);
    return p;
  };

  return {
    async knowledge(image) {
      // The console's decision comes first when there is one: it re-matches on new advisories, a local scan does not.
      for (const digest of [...image.manifestDigests, image.id]) {
        const d = consoleDecisions.get(digest);
        if (d) return { kind: 'console', decision: d, digest };
      }
      const subject = known.get(image.id);
      if (subject) return { kind: 'subject', subject, source: 'cache' };
      if (options.consoleDecision) {
        for (const digest of image.manifestDigests) {
          const d = await options.consoleDecision(digest).catch(() => undefined);
          if (d) {
            consoleDecisions.set(digest, d);
            return { kind: 'console', decision: d, digest };
          }
        }
      }
      const failure = failed.get(image.id);
      if (failure && Date.now() - failure.at < retryAfter) return { kind: 'pending', reason: `the scan of this image failed: ${failure.reason}` };
      const scan = startScan(image);
      if (options.budgetMs <= 0) {
        scan.catch(() => undefined);
        return { kind: 'pending', reason: 'the image has not been scanned yet (scan started)' };
      }
      const t = timeout(options.budgetMs);
      try {
        const outcome = await Promise.race([scan, t.promise]);
        if (outcome === 'timeout') {
          scan.catch(() => undefined);
          return { kind: 'pending', reason: `the scan did not finish within ${options.budgetMs} ms (it continues in the background)` };
        }
        return { kind: 'subject', subject: outcome, source: 'scan' };
      } catch (error) {
        return { kind: 'pending', reason: `the scan of this image failed: ${(error as Error).message}` };
      } finally {
        t.cancel();
      }
    },
    subjects: () => known,
    remember: (id, subject) => {
      known.set(id, subject);
    },
    setConsoleDecision: (digest, decision) => {
      consoleDecisions.set(digest, decision);
    },
    forgetConsoleDecision: (digest) => {
      consoleDecisions.delete(digest);
    },
  };
}

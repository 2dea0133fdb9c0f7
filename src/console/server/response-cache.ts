/**
 * Answers of cacheable GET routes (route.cache), kept as the serialized
 * body with its ETag so a repeated read under load costs a map lookup, not
 * a query, row mapping and JSON.stringify. An entry is keyed by the route,
 * its validated params and query, and the caller's role and resolved scope
 * (collections): two principals share an entry only when the server would
 * compute the same answer for both. An entry is used only while the store's
 * change version (store/store-changes.ts) is the one noted before its
 * queries ran — any commit through this process, and on SQLite any other
 * connection's, makes every entry stale at once — and never after maxAgeMs,
 * which bounds how long another process's commit on PostgreSQL can go
 * unseen (docs/console.md).
 */
import { createHash } from 'node:crypto';
import type { Store } from '../../store/open-store.js';

export interface ResponseCacheSettings {
  readonly enabled: boolean;
  /** Oldest entry ever served, in milliseconds. */
  readonly maxAgeMs: number;
  readonly maxEntries: number;
  /** Total body bytes kept; a larger body is not kept at all. */
  readonly maxBytes: number;
}

export interface CachedAnswer {
  /** UTF-8 bytes, kept encoded: sending a Buffer skips re-encoding a string of tens of kilobytes per request. */
  readonly body: Buffer;
  readonly etag: string;
}

export interface ResponseCacheStats {
  /** Answered from memory. */
  readonly hits: number;
  /** Waited for the same answer another request was computing. */
  readonly joined: number;
  /** Computed while the request waited. */
  readonly computed: number;
  /** Recomputed in the background before the kept answer expired. */
  readonly refreshed: number;
  readonly entries: number;
  readonly bytes: number;
}

export interface ResponseCache {
  /**
   * The answer for `key`: kept in memory, or joined while another request
   * computes it, or computed by `compute` — which returns the JSON text to
   * keep, or anything else (an error reply, a non-200) to pass through
   * unkept.
   */
  respond<R extends object>(key: string, compute: () => Promise<string | R>): Promise<CachedAnswer | R>;
  stats(): ResponseCacheStats;
}

interface Entry {
  readonly answer: CachedAnswer;
  readonly version: number;
  /** Served until then: maxAgeMs after the reads that made it started. */
  readonly until: number;
  /** From then on, the next request also recomputes it in the background. */
  readonly refreshAt: number;
}

export function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

export function createResponseCache(store: Pick<Store, 'changes'>, settings: ResponseCacheSettings): ResponseCache {
  const entries = new Map<string, Entry>();
  const running = new Map<string, { readonly version: number; readonly answer: Promise<unknown> }>();
  let bytes = 0;
  let entriesVersion: number | undefined;
  const counts = { hits: 0, joined: 0, computed: 0, refreshed: 0 };

  const drop = (key: string, entry: Entry) => {
    entries.delete(key);
    bytes -= entry.answer.body.length;
  };

  /** The store's version now; a new one drops every entry at once (they all belong to the old one). */
  const version = (): number | undefined => {
    const now = store.changes.version();
    if (now !== entriesVersion) {
      entries.clear();
      bytes = 0;
      entriesVersion = now;
    }
    return now;
  };

  const keep = (key: string, at: number | undefined, started: number, text: string): CachedAnswer => {
    const body = Buffer.from(text);
    const answer = { body, etag: etagOf(body) };
    // Reads that started before the store moved on may have missed the change: not kept.
    if (at === undefined || body.length > settings.maxBytes || store.changes.version() !== at) return answer;
    const old = entries.get(key);
    if (old) drop(key, old);
    while (entries.size > 0 && (entries.size >= settings.maxEntries || bytes + body.length > settings.maxBytes)) {
      const [oldestKey, oldest] = entries.entries().next().value as [string, Entry];
      drop(oldestKey, oldest);
    }
    entries.set(key, { answer, version: at, until: started + settings.maxAgeMs, refreshAt: started + settings.maxAgeMs / 2 });
    bytes += body.length;
    return answer;
  };

  /**
   * Runs one computation per key and version at a time: when an entry
   * expires under load, one request queries and the others wait for its
   * answer instead of all queueing for the database at once.
   */
  const compute = <R extends object>(key: string, at: number | undefined, run: () => Promise<string | R>): Promise<CachedAnswer | R> => {
    const current = at === undefined ? undefined : running.get(key);
    if (current && current.version === at) {
      counts.joined++;
      return current.answer as Promise<CachedAnswer | R>;
    }
    counts.computed++;
    const started = performance.now();
    const answer = run().then((out) => (typeof out === 'string' ? keep(key, at, started, out) : out));
    if (at !== undefined) {
      running.set(key, { version: at, answer });
      const done = () => {
        if (running.get(key)?.answer === answer) running.delete(key);
      };
      answer.then(done, done);
    }
    return answer;
  };

  return {
    respond(key, run) {
      const at = settings.enabled ? version() : undefined;
      const entry = at === undefined ? undefined : entries.get(key);
      const now = performance.now();
      if (entry && entry.version === at && entry.until > now) {
        counts.hits++;
        // Past half its life: recompute now, while it is still served, so expiry never makes every caller wait.
        if (entry.refreshAt <= now && !running.has(key)) {
          counts.refreshed++;
          counts.computed--;
          compute(key, at, run).catch(() => undefined);
        }
        return Promise.resolve(entry.answer);
      }
      if (entry) drop(key, entry);
      return compute(key, at, run);
    },
    stats: () => ({ ...counts, entries: entries.size, bytes }),
  };
}

/** RFC 9110 If-None-Match: does the client already hold this representation? (weak comparison, as for GET) */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  for (const tag of ifNoneMatch.split(',')) {
    const t = tag.trim();
    if ((t.startsWith('W/') ? t.slice(2) : t) === etag) return true;
  }
  return false;
}

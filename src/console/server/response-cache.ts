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
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly bytes: number;
}

export interface ResponseCache {
  /** The version to note before computing an answer; undefined = do not cache this one. */
  version(): number | undefined;
  get(key: string, version: number | undefined): CachedAnswer | undefined;
  /** Keeps an answer computed from reads that started at `version`, unless the store moved on since. */
  set(key: string, version: number | undefined, text: string): CachedAnswer;
  /**
   * Runs `compute` once for all callers that miss the same key at the same
   * version while it runs: when an entry expires under load, one request
   * queries and the others wait for its answer instead of all queueing for
   * the database at once.
   */
  shared<T>(key: string, version: number | undefined, compute: () => Promise<T>): Promise<T>;
  stats(): ResponseCacheStats;
}

interface Entry {
  readonly answer: CachedAnswer;
  readonly version: number;
  readonly until: number;
}

export function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

export function createResponseCache(store: Pick<Store, 'changes'>, settings: ResponseCacheSettings): ResponseCache {
  const entries = new Map<string, Entry>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  let entriesVersion: number | undefined;
  const running = new Map<string, { readonly version: number; readonly answer: Promise<unknown> }>();

  const clear = () => {
    entries.clear();
    bytes = 0;
  };
  const drop = (key: string, entry: Entry) => {
    entries.delete(key);
    bytes -= entry.answer.body.length;
  };

  return {
    version() {
      if (!settings.enabled) return undefined;
      const version = store.changes.version();
      // Everything kept belongs to one version; a new one frees the memory at once.
      if (version !== entriesVersion) {
        clear();
        entriesVersion = version;
      }
      return version;
    },
    get(key, version) {
      const entry = version === undefined ? undefined : entries.get(key);
      if (entry && entry.version === version && entry.until > performance.now()) {
        hits++;
        return entry.answer;
      }
      if (entry) drop(key, entry);
      misses++;
      return undefined;
    },
    set(key, version, text) {
      const body = Buffer.from(text);
      const answer = { body, etag: etagOf(body) };
      if (version === undefined || body.length > settings.maxBytes || store.changes.version() !== version) return answer;
      const old = entries.get(key);
      if (old) drop(key, old);
      while (entries.size > 0 && (entries.size >= settings.maxEntries || bytes + body.length > settings.maxBytes)) {
        const [oldestKey, oldest] = entries.entries().next().value as [string, Entry];
        drop(oldestKey, oldest);
      }
      entries.set(key, { answer, version, until: performance.now() + settings.maxAgeMs });
      bytes += body.length;
      return answer;
    },
    shared<T>(key: string, version: number | undefined, compute: () => Promise<T>): Promise<T> {
      if (version === undefined) return compute();
      const current = running.get(key);
      if (current && current.version === version) return current.answer as Promise<T>;
      const answer = compute();
      running.set(key, { version, answer });
      const done = () => {
        if (running.get(key)?.answer === answer) running.delete(key);
      };
      answer.then(done, done);
      return answer;
    },
    stats: () => ({ hits, misses, entries: entries.size, bytes }),
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

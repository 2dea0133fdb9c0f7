/**
 * A short memory of resolved credentials, so a busy token (a CI fleet, a
 * defender polling verdicts) costs one store lookup per few seconds rather
 * than two per request. Anything that changes who a credential is — token
 * revocation, user or collection changes, logout — clears it in this
 * process; other replicas notice within TTL_MS. Expiry times are still
 * checked on every request against the console clock.
 */
import type { Principal } from '../principal.js';

export interface CachedCredential {
  readonly principal: Principal;
  readonly via: 'token' | 'session';
  /** ISO time after which the credential is no longer valid, if any. */
  readonly expiresAt: string | null;
}

const TTL_MS = 3_000;
const MAX_ENTRIES = 10_000;

interface Entry { readonly value: CachedCredential; readonly until: number }

const perContext = new WeakMap<object, Map<string, Entry>>();

function cacheOf(ctx: object): Map<string, Entry> {
  let cache = perContext.get(ctx);
  if (!cache) {
    cache = new Map();
    perContext.set(ctx, cache);
  }
  return cache;
}

export function cachedCredential(ctx: object, digest: string): CachedCredential | undefined {
  const cache = cacheOf(ctx);
  const entry = cache.get(digest);
  if (!entry) return undefined;
  if (entry.until < performance.now()) {
    cache.delete(digest);
    return undefined;
  }
  return entry.value;
}

export function rememberCredential(ctx: object, digest: string, value: CachedCredential): void {
  const cache = cacheOf(ctx);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(digest, { value, until: performance.now() + TTL_MS });
}

/** Drops every remembered credential of this console (after any change to users, tokens, sessions or collections). */
export function forgetCredentials(ctx: object): void {
  perContext.get(ctx)?.clear();
}

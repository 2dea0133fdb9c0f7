/**
 * Login throttling: after 10 failed logins within 15 minutes for one user
 * name, or from one client address, further attempts are refused with 429
 * until the oldest failure leaves the window. Names are counted whether or
 * not the user exists, so the answer does not reveal which names are real.
 * Counts live in the server process (a restart forgets them; each replica
 * counts on its own).
 */
export interface LoginLimiter {
  /** Seconds until an attempt is allowed again for any of these keys, or 0. */
  retryAfter(keys: readonly string[], now: Date): number;
  fail(keys: readonly string[], now: Date): void;
  /** A successful login clears the name's count (never the address's: one good account must not unlock guessing at others). */
  succeed(key: string): void;
}

export interface LoginLimiterOptions {
  readonly maxFailures?: number;
  readonly windowMs?: number;
  /** Bound on tracked keys so a flood of random names cannot exhaust memory. */
  readonly maxKeys?: number;
}

export function createLoginLimiter(options: LoginLimiterOptions = {}): LoginLimiter {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const maxKeys = options.maxKeys ?? 100_000;
  const failures = new Map<string, number[]>();

  const recent = (key: string, at: number): number[] => {
    const list = failures.get(key);
    if (!list) return [];
    const kept = list.filter((t) => at - t < windowMs);
    if (kept.length) failures.set(key, kept);
    else failures.delete(key);
    return kept;
  };

  const sweep = (at: number): void => {
    for (const key of [...failures.keys()]) recent(key, at);
    // Still full of fresh keys: drop the oldest half rather than grow without bound.
    if (failures.size >= maxKeys) for (const key of [...failures.keys()].slice(0, failures.size / 2)) failures.delete(key);
  };

  return {
    retryAfter(keys, now) {
      const at = now.getTime();
      let wait = 0;
      for (const key of keys) {
        const list = recent(key, at);
        if (list.length >= maxFailures) {
          const oldest = list[list.length - maxFailures] as number;
          wait = Math.max(wait, Math.ceil((oldest + windowMs - at) / 1000));
        }
      }
      return wait;
    },
    fail(keys, now) {
      const at = now.getTime();
      if (failures.size >= maxKeys) sweep(at);
      for (const key of keys) {
        const list = recent(key, at);
        list.push(at);
        // Only the last maxFailures matter for the decision.
        failures.set(key, list.slice(-maxFailures));
      }
    },
    succeed(key) {
      failures.delete(key);
    },
  };
}

const perContext = new WeakMap<object, LoginLimiter>();

/** The limiter of one running console (one per context, so tests do not share counts). */
export function loginLimiterFor(ctx: object): LoginLimiter {
  let limiter = perContext.get(ctx);
  if (!limiter) {
    limiter = createLoginLimiter();
    perContext.set(ctx, limiter);
  }
  return limiter;
}

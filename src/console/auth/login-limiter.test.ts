/**
 * Login throttling's window arithmetic with an explicit clock.
 */
import { describe, expect, it } from 'vitest';
import { createLoginLimiter } from './login-limiter.js';

describe('createLoginLimiter', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const at = (ms: number): Date => new Date(t0 + ms);

  it('blocks after the 10th failure until the oldest leaves the 15-minute window', () => {
    const limiter = createLoginLimiter();
    for (let i = 0; i < 9; i++) limiter.fail(['name:a'], at(i * 60_000));
    expect(limiter.retryAfter(['name:a'], at(9 * 60_000))).toBe(0);
    limiter.fail(['name:a'], at(9 * 60_000));
    // Oldest failure at t0: free again at t0 + 15 min.
    expect(limiter.retryAfter(['name:a'], at(10 * 60_000))).toBe(5 * 60);
    expect(limiter.retryAfter(['name:a'], at(15 * 60_000 - 1000))).toBe(1);
    expect(limiter.retryAfter(['name:a'], at(15 * 60_000))).toBe(0);
    expect(limiter.retryAfter(['name:b'], at(10 * 60_000))).toBe(0);
  });

  it('takes the longest wait of the keys and forgets a name on success only', () => {
    const limiter = createLoginLimiter({ maxFailures: 2, windowMs: 1000 });
    limiter.fail(['name:a', 'ip:1'], at(0));
    limiter.fail(['name:b', 'ip:1'], at(500));
    expect(limiter.retryAfter(['name:c', 'ip:1'], at(600))).toBe(1);
    limiter.succeed('name:a');
    expect(limiter.retryAfter(['ip:1'], at(600))).toBe(1);
  });

  it('still throttles a recent name after a flood of distinct names forced a sweep', () => {
    const limiter = createLoginLimiter({ maxKeys: 1000 });
    for (let i = 0; i < 10_000; i++) limiter.fail([`name:${i}`], at(i));
    // The newest names are still tracked.
    for (let k = 0; k < 9; k++) limiter.fail(['name:9999'], at(10_000 + k));
    expect(limiter.retryAfter(['name:9999'], at(20_000))).toBeGreaterThan(0);
  });
});

/** Polls a readiness probe until it succeeds or a deadline passes (services take a moment to listen). */
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; stillAlive?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    // A service that already died will never become ready: say so at once.
    const death = options.stillAlive?.();
    if (death) throw new Error(`${what}: ${death}`);
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(options.intervalMs ?? 250);
  }
  throw new Error(`${what}: not ready after ${Math.round(options.timeoutMs / 1000)} s${lastError ? ` (${lastError})` : ''}`);
}

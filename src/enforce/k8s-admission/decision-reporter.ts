/**
 * Sends admission decisions to the console's audit log in batches, off the
 * request path: admission never waits on the console. While the console is
 * unreachable, decisions queue up (bounded: the oldest are dropped, and
 * counted in the log) and go out once it answers again.
 */
import type { EnforcementDecision } from '../../domain/enforcement.js';
import type { ConsoleClient } from './console-client.js';
import { errorMessage } from './error-message.js';

export interface DecisionReporter {
  add(decisions: readonly EnforcementDecision[]): void;
  /** Sends what is queued now. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const MAX_QUEUED = 10_000;
const MAX_BATCH = 500;

export function createDecisionReporter(client: ConsoleClient, options: { readonly intervalMs: number; readonly onError: (message: string) => void }): DecisionReporter {
  let queue: EnforcementDecision[] = [];
  let dropped = 0;
  let sending: Promise<void> | undefined;

  async function send(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH);
      try {
        await client.reportDecisions(batch);
      } catch (error) {
        options.onError(`${queue.length} decision(s) not yet sent to the console: ${errorMessage(error)}`);
        return;
      }
      queue = queue.slice(batch.length);
    }
    if (dropped > 0) {
      options.onError(`${dropped} decision(s) were dropped while the console was unreachable (queue full)`);
      dropped = 0;
    }
  }

  function flush(): Promise<void> {
    sending ??= send().finally(() => {
      sending = undefined;
    });
    return sending;
  }

  const timer = setInterval(() => void flush(), options.intervalMs);
  timer.unref();
  return {
    add(decisions) {
      queue.push(...decisions);
      if (queue.length > MAX_QUEUED) {
        dropped += queue.length - MAX_QUEUED;
        queue = queue.slice(queue.length - MAX_QUEUED);
      }
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

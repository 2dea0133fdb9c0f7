/**
 * Continuous risk monitoring in one call, for the server and `bulkhead
 * worker`: registers the 'advisories.update', 'reevaluate.run' and
 * 'reevaluate.policy' job handlers, finishes an advisory change a killed
 * process left half done, and — where this process runs workers — resumes
 * pending re-evaluation runs, schedules advisory updates and starts the
 * health monitor. Call it before ctx.jobs.start().
 */
import type { FeedConfigInput } from '../../advisories/update/feed-config.js';
import { reconcileAdvisoryData } from '../advisory-data/change-advisory-data.js';
import { registerAdvisoryUpdates, scheduleAdvisoryUpdates } from '../advisory-data/update-advisories.js';
import type { ConsoleContext } from '../context.js';
import { startHealthMonitor } from '../health/health-monitor.js';
import { registerReevaluation, type ReevaluationService } from './reevaluation.js';

export interface ContinuousMonitoring {
  readonly reevaluation: ReevaluationService;
  /** Stops the health timer and waits for a re-evaluation in progress to reach its next checkpoint. */
  stop(): Promise<void>;
}

export interface MonitoringOptions {
  /** Run the background parts (default ctx.config.workers). */
  readonly workers?: boolean;
  readonly healthIntervalMs?: number;
  /** Feed configuration beyond config.advisoryUpdate (tests). */
  readonly feeds?: Omit<FeedConfigInput, 'mirrors'>;
}

export async function startContinuousMonitoring(ctx: ConsoleContext, options: MonitoringOptions = {}): Promise<ContinuousMonitoring> {
  registerAdvisoryUpdates(ctx, options.feeds);
  const reevaluation = registerReevaluation(ctx);
  let health: { stop(): void } | undefined;
  if (options.workers ?? ctx.config.workers) {
    try {
      await reconcileAdvisoryData(ctx);
    } catch (error) {
      ctx.log.error({ err: error }, 'could not finish the interrupted advisory change; it is retried with the next one');
    }
    reevaluation.resume();
    await scheduleAdvisoryUpdates(ctx).catch((error: unknown) => ctx.log.error({ err: error }, 'could not schedule advisory updates'));
    health = startHealthMonitor(ctx, options.healthIntervalMs);
  }
  return {
    reevaluation,
    async stop() {
      health?.stop();
      await reevaluation.stop();
    },
  };
}

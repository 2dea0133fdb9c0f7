/**
 * Every job kind the console's workers run, registered on ctx.jobs in one
 * place so that `bulkhead serve` (with workers on) and `bulkhead worker`
 * run the same work: image scans, registry syncs, advisory updates and
 * re-evaluations. start() adds the schedules that enqueue the periodic
 * work (registry syncs, advisory updates) and resumes interrupted
 * re-evaluations; every process may run them, the claims keep them single.
 */
import { registerAdvisoryUpdates, scheduleAdvisoryUpdates } from '../advisory-data/update-advisories.js';
import type { ConsoleContext } from '../context.js';
import { SCAN_TARGET_JOB } from '../inventory/image-assessment.js';
import { registerReevaluation, type ReevaluationService } from '../reevaluate/reevaluation.js';
import { startRegistrySchedule, type RegistrySchedule } from '../registries/registry-schedule.js';
import { REGISTRY_SYNC_JOB, registrySyncJobSchema, syncRegistry } from '../registries/registry-sync.js';
import { scanTargetHandler } from './scan-target-job.js';

export interface ConsoleWorkers {
  readonly reevaluation: ReevaluationService;
  /** The registry schedule, once start() ran. */
  readonly registrySchedule: () => RegistrySchedule | undefined;
  /** Starts the schedules and resumes re-evaluations; call after ctx.jobs.start(). */
  start(): Promise<void>;
  /** Stops the schedules (ctx.jobs.stop() stops the handlers). */
  stop(): void;
}

export interface RegisterJobHandlersOptions {
  /** How often the registry schedule looks for due syncs (default 30 s). */
  readonly registryTickMs?: number;
}

export function registerJobHandlers(ctx: ConsoleContext, options: RegisterJobHandlersOptions = {}): ConsoleWorkers {
  ctx.jobs.handle(SCAN_TARGET_JOB, scanTargetHandler(ctx));
  ctx.jobs.handle(REGISTRY_SYNC_JOB, async (payload) => {
    const job = registrySyncJobSchema.parse(payload);
    return syncRegistry(ctx, job.registryId, job.requestedBy);
  });
  registerAdvisoryUpdates(ctx);
  const reevaluation = registerReevaluation(ctx);
  let schedule: RegistrySchedule | undefined;
  return {
    reevaluation,
    registrySchedule: () => schedule,
    async start() {
      schedule ??= startRegistrySchedule(ctx, options.registryTickMs !== undefined ? { tickMs: options.registryTickMs } : {});
      await scheduleAdvisoryUpdates(ctx);
      reevaluation.resume();
    },
    stop() {
      schedule?.stop();
      schedule = undefined;
    },
  };
}

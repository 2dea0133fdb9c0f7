/**
 * Every job kind the console's workers run, registered on ctx.jobs in one
 * place so that `bulkhead serve` (with workers on) and `bulkhead worker`
 * run the same work: image scans ('scan.target'), registry syncs
 * ('registry.sync'), advisory updates and re-evaluations (the continuous
 * monitoring of reevaluate/). start() adds what runs on its own: the
 * registry schedule, continuous monitoring's resume, advisory schedule and
 * health monitor. Every process may run them; their claims keep the work
 * single.
 */
import { registerAdvisoryUpdates } from '../advisory-data/update-advisories.js';
import type { ConsoleContext } from '../context.js';
import { SCAN_TARGET_JOB } from '../inventory/image-assessment.js';
import { startContinuousMonitoring, type ContinuousMonitoring } from '../reevaluate/continuous-monitoring.js';
import { registerReevaluation } from '../reevaluate/reevaluation.js';
import { startRegistrySchedule, type RegistrySchedule } from '../registries/registry-schedule.js';
import { REGISTRY_SYNC_JOB, registrySyncJobSchema, syncRegistry } from '../registries/registry-sync.js';
import { scanTargetHandler } from './scan-target-job.js';

export interface ConsoleWorkers {
  /** The registry schedule, once start() ran. */
  readonly registrySchedule: () => RegistrySchedule | undefined;
  /** Continuous monitoring (re-evaluation service), once start() ran. */
  readonly monitoring: () => ContinuousMonitoring | undefined;
  /** Starts the schedules and monitoring; call after ctx.jobs.start(). */
  start(): Promise<void>;
  /** Stops them (ctx.jobs.stop() stops the handlers). */
  stop(): Promise<void>;
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
  // The handlers alone, for a process that never calls start(); start() replaces them with monitoring's own.
  registerAdvisoryUpdates(ctx);
  registerReevaluation(ctx);
  let schedule: RegistrySchedule | undefined;
  let monitoring: ContinuousMonitoring | undefined;
  return {
    registrySchedule: () => schedule,
    monitoring: () => monitoring,
    async start() {
      schedule ??= startRegistrySchedule(ctx, options.registryTickMs !== undefined ? { tickMs: options.registryTickMs } : {});
      monitoring ??= await startContinuousMonitoring(ctx, { workers: true });
    },
    async stop() {
      schedule?.stop();
      schedule = undefined;
      const m = monitoring;
      monitoring = undefined;
      await m?.stop();
    },
  };
}

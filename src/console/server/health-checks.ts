/**
 * Liveness and readiness checks. `/healthz` answers while the process can
 * serve at all; `/readyz` runs every registered readiness check (the store
 * answers, its migrations are applied, plus whatever other modules
 * register) and answers 503 when one fails. A check gets the console
 * context and a deadline; it throws (or rejects) to fail.
 */
import { sql } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely';
import { MIGRATIONS } from '../../store/migrations/index.js';
import type { ConsoleContext } from '../context.js';

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves with an optional detail when healthy; throws with the reason when not. */
  run(ctx: ConsoleContext): Promise<string | void>;
}

export interface CheckOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
  readonly ms: number;
}

const CHECK_TIMEOUT_MS = 5_000;

const provider: MigrationProvider = { getMigrations: async () => ({ ...MIGRATIONS }) };

const storeReachable: ReadinessCheck = {
  name: 'store',
  async run(ctx) {
    await sql`select 1`.execute(ctx.store.db);
    return ctx.store.dialect;
  },
};

const migrationsApplied: ReadinessCheck = {
  name: 'migrations',
  async run(ctx) {
    const migrations = await new Migrator({ db: ctx.store.db, provider }).getMigrations();
    const pending = migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
    if (pending.length) throw new Error(`pending migrations: ${pending.join(', ')}`);
    return `${migrations.length} applied`;
  },
};

const checks: ReadinessCheck[] = [storeReachable, migrationsApplied];

/** Adds (or replaces, by name) a readiness check; modules call it once at import. */
export function registerReadinessCheck(check: ReadinessCheck): void {
  const at = checks.findIndex((c) => c.name === check.name);
  if (at >= 0) checks[at] = check;
  else checks.push(check);
}

export function readinessChecks(): readonly ReadinessCheck[] {
  return checks;
}

async function runOne(ctx: ConsoleContext, check: ReadinessCheck): Promise<CheckOutcome> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      check.run(ctx),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { name: check.name, ok: true, ...(detail ? { detail } : {}), ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { name: check.name, ok: false, detail: (error as Error).message, ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

export async function runReadinessChecks(ctx: ConsoleContext): Promise<{ ready: boolean; checks: CheckOutcome[] }> {
  const outcomes = await Promise.all(checks.map((c) => runOne(ctx, c)));
  return { ready: outcomes.every((o) => o.ok), checks: outcomes };
}

/**
 * The defender's settings: from flags, optionally with a YAML/JSON file
 * (`--config`) for what does not fit on a command line — who is in which
 * group, what to do with running containers whose image turns blocked.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BadInputError } from '../../domain/errors.js';

export const RUNNING_ACTIONS = ['alert', 'prevent-restart', 'stop'] as const;
export type RunningAction = (typeof RUNNING_ACTIONS)[number];

const name = z.string().min(1).max(256);

export const defenderFileSchema = z.strictObject({
  hostName: name.optional(),
  environment: name.optional(),
  labels: z.record(name, z.string().max(1024)).optional(),
  /** Identity of requests that arrive without a TLS user (the local socket). */
  localIdentity: name.optional(),
  /** group → members. */
  groups: z.record(name, z.array(name).max(10_000)).optional(),
  default: z.enum(['allow', 'block']).optional(),
  unscanned: z.enum(['allow', 'warn', 'block']).optional(),
  scanBudgetMs: z.number().int().min(0).max(25_000).optional(),
  /** What to do with a running container whose image's verdict becomes block. */
  onBlockedContainers: z.enum(RUNNING_ACTIONS).optional(),
  /** Per rule id, overriding onBlockedContainers. */
  ruleActions: z.record(name, z.enum(RUNNING_ACTIONS)).optional(),
  /** Log allowed read-only calls too (off: `docker ps` polling would flood the log). */
  logReads: z.boolean().optional(),
  /** Minutes between CIS Docker Benchmark audits of this host reported to the console (0: none; connected mode only). */
  auditIntervalMinutes: z.number().int().min(0).max(7 * 24 * 60).optional(),
});

export type DefenderFile = z.infer<typeof defenderFileSchema>;

export interface DefenderConfig {
  readonly pluginName: string;
  readonly socketDir: string;
  readonly dockerHost: string;
  readonly hostName: string;
  readonly environment?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly localIdentity?: string;
  /** user → groups. */
  readonly groupsOf: ReadonlyMap<string, readonly string[]>;
  readonly defaultDecision: 'allow' | 'block';
  readonly unscanned: 'allow' | 'warn' | 'block';
  readonly scanBudgetMs: number;
  readonly onBlockedContainers: RunningAction;
  readonly ruleActions: Readonly<Record<string, RunningAction>>;
  readonly logReads: boolean;
  /** Decisions as JSON lines. */
  readonly logFile: string;
  /** Verdicts and (connected) the last policy, kept across restarts and console outages. */
  readonly cacheFile: string;
  /** Advisory database for scans on the spot (standalone). */
  readonly db?: string;
  readonly policyPath?: string;
  readonly console?: { readonly url: string; readonly token: string };
  /** Minutes between host audits reported to the console; 0 = none. */
  readonly auditIntervalMinutes: number;
}

export async function readDefenderFile(file: string): Promise<DefenderFile> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new BadInputError(`defender config ${file}: ${(error as Error).message}`);
  });
  if (text.length > 1024 * 1024) throw new BadInputError(`defender config ${file}: larger than 1 MiB`);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new BadInputError(`defender config ${file}: ${(error as Error).message}`);
  }
  const parsed = defenderFileSchema.safeParse(doc ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadInputError(`defender config ${file}: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Inverts group → members into user → groups. */
export function groupsByUser(groups: Readonly<Record<string, readonly string[]>>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [group, members] of Object.entries(groups)) {
    for (const m of members) out.set(m, [...(out.get(m) ?? []), group]);
  }
  return out;
}

export function defaultHostName(): string {
  return hostname();
}

/**
 * The webhook's configuration file (`--config FILE`, YAML): which verdict
 * applies when an image cannot be assessed in time, what to do with requests
 * that are not AdmissionReviews, the time budget, excluded namespaces, and
 * the namespace → environment mapping that scopes policy rules.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { BadInputError } from '../../domain/errors.js';
import { compileGlob } from '../../policy/glob.js';

export const admissionConfigSchema = z.strictObject({
  /** Cluster name in decisions sent to the console. */
  cluster: z.string().min(1).max(200).default('kubernetes'),
  /** Verdict for an image that cannot be assessed within the budget (unknown, registry down, console down). */
  defaultVerdict: z.enum(['allow', 'warn', 'block']).default('block'),
  /** Answer to a request that is not a readable AdmissionReview (still answered when its uid can be read). */
  invalidRequests: z.enum(['allow', 'deny']).default('deny'),
  /** Time the webhook gives itself per request; keep it under the webhook's timeoutSeconds. */
  budgetMs: z.number().int().min(100).max(29_000).default(8_000),
  /** Namespaces never evaluated (globs); the webhook configuration's namespaceSelector should exclude them too. */
  excludedNamespaces: z.array(z.string().min(1)).default(['kube-system']),
  /** First match wins: namespaces (globs) → the environment policy scopes see. */
  environments: z.array(z.strictObject({ namespaces: z.array(z.string().min(1)).min(1), environment: z.string().min(1) })).default([]),
  /** Environment of namespaces no mapping names; none = rules scoped to environments do not apply there. */
  defaultEnvironment: z.string().min(1).optional(),
  /** Registries (host[:port]) reached over plain HTTP. */
  insecureRegistries: z.array(z.string().min(1)).default([]),
  /** How long a tag → digest answer is trusted. */
  tagTtlSeconds: z.number().int().min(0).max(86_400).default(60),
  /** How long an image verdict or scan is trusted before it is asked for again. */
  verdictTtlSeconds: z.number().int().min(1).max(7 * 86_400).default(3_600),
});

export type AdmissionConfig = z.infer<typeof admissionConfigSchema>;

export const DEFAULT_ADMISSION_CONFIG: AdmissionConfig = admissionConfigSchema.parse({});

export async function loadAdmissionConfig(file: string): Promise<AdmissionConfig> {
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8')) ?? {};
  } catch (error) {
    throw new BadInputError(`admission config ${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = admissionConfigSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadInputError(`admission config ${file}: ${issue?.path.join('.') || '(document)'}: ${issue?.message}`);
  }
  for (const glob of [...parsed.data.excludedNamespaces, ...parsed.data.environments.flatMap((e) => e.namespaces)]) {
    try {
      compileGlob(glob);
    } catch (error) {
      throw new BadInputError(`admission config ${file}: ${(error as Error).message}`);
    }
  }
  return parsed.data;
}

/** Compiled namespace matching over a config. */
export interface NamespaceRules {
  excluded(namespace: string): boolean;
  environmentOf(namespace: string): string | undefined;
}

export function namespaceRules(config: AdmissionConfig): NamespaceRules {
  const excluded = config.excludedNamespaces.map(compileGlob);
  const environments = config.environments.map((e) => ({ globs: e.namespaces.map(compileGlob), environment: e.environment }));
  return {
    excluded: (ns) => excluded.some((re) => re.test(ns)),
    environmentOf: (ns) => environments.find((e) => e.globs.some((re) => re.test(ns)))?.environment ?? config.defaultEnvironment,
  };
}

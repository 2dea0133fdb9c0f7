/**
 * The central hardening standard: which CIS checks each environment requires.
 * It is the `hostHardening` section of a policy file (other sections are the
 * policy loader's business and ignored here):
 *
 *   hostHardening:
 *     defaultEnvironment: prod
 *     environments:
 *       prod: { require: ['2.7', '3.16', '5.5', '5.*'], undecided: fail }
 *       dev:  { require: ['5.5'] }
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { BadInputError } from '../domain/errors.js';
import { HOST_CHECKS } from './checks/all-checks.js';
import type { HostCheckResult } from './host-check.js';

const MAX_POLICY_BYTES = 1024 * 1024;
const CHECK_PATTERN = /^\d+(\.\d+)*(\.\*)?$/;

const environmentSchema = z.strictObject({
  require: z
    .array(z.string().regex(CHECK_PATTERN, { error: 'check ids look like 2.7 or 5.* ' }), { error: 'require must be a list of CIS check ids' })
    .min(1, { error: 'require must list at least one check id' }),
  /** What a required check that could not decide (warn) counts as. */
  undecided: z.enum(['fail', 'ignore']).default('ignore'),
});

const hostHardeningSchema = z.strictObject({
  defaultEnvironment: z.string().min(1).optional(),
  environments: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'environment names: letters, digits, . _ -' }), environmentSchema),
});

export type HostHardeningPolicy = z.infer<typeof hostHardeningSchema>;

export interface HostPolicyOutcome {
  readonly environment: string;
  readonly required: readonly string[];
  /** Required checks that failed (or were undecided, when the environment says so). */
  readonly violations: readonly HostCheckResult[];
}

export async function loadHostPolicy(file: string): Promise<HostHardeningPolicy> {
  let text: string;
  try {
    const buffer = await readFile(file);
    if (buffer.length > MAX_POLICY_BYTES) throw new BadInputError(`policy ${file} is larger than ${MAX_POLICY_BYTES} bytes`);
    text = buffer.toString('utf8');
  } catch (error) {
    if (error instanceof BadInputError) throw error;
    throw new BadInputError(`cannot read policy ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  return parseHostPolicy(text, file);
}

export function parseHostPolicy(text: string, file: string): HostHardeningPolicy {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new BadInputError(`policy ${file}: invalid YAML: ${doc.errors[0]?.message.split('\n')[0]}`);
  const json: unknown = doc.toJS({ maxAliasCount: 100 });
  if (typeof json !== 'object' || json === null || !('hostHardening' in json)) {
    throw new BadInputError(`policy ${file}: no hostHardening section (hostHardening: { environments: { NAME: { require: [ids] } } })`);
  }
  const parsed = hostHardeningSchema.safeParse((json as { hostHardening: unknown }).hostHardening);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadInputError(`policy ${file}: hostHardening.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const known = new Set(HOST_CHECKS.map((c) => c.id));
  for (const [env, spec] of Object.entries(parsed.data.environments)) {
    for (const id of spec.require) {
      if (!expand(id, known).length) throw new BadInputError(`policy ${file}: hostHardening.environments.${env}.require: unknown CIS check ${id}`);
    }
  }
  if (parsed.data.defaultEnvironment && !(parsed.data.defaultEnvironment in parsed.data.environments)) {
    throw new BadInputError(`policy ${file}: defaultEnvironment ${parsed.data.defaultEnvironment} is not among the environments`);
  }
  return parsed.data;
}

function expand(pattern: string, known: ReadonlySet<string>): string[] {
  if (!pattern.endsWith('.*')) return known.has(pattern) ? [pattern] : [];
  const prefix = pattern.slice(0, -1);
  return [...known].filter((id) => id.startsWith(prefix));
}

export function evaluateHostPolicy(policy: HostHardeningPolicy, environment: string | undefined, results: readonly HostCheckResult[]): HostPolicyOutcome {
  const names = Object.keys(policy.environments);
  const env = environment ?? policy.defaultEnvironment ?? (names.length === 1 ? names[0] : undefined);
  if (!env) throw new BadInputError(`the policy defines environments ${names.join(', ')}: choose one with --env`);
  const spec = policy.environments[env];
  if (!spec) throw new BadInputError(`environment ${env} is not in the policy (known: ${names.join(', ')})`);
  const known = new Set(results.map((r) => r.id));
  const required = [...new Set(spec.require.flatMap((id) => expand(id, known)))];
  const violations = results.filter(
    (r) => required.includes(r.id) && (r.status === 'fail' || (spec.undecided === 'fail' && r.status === 'warn')),
  );
  return { environment: env, required, violations };
}

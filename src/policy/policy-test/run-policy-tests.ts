/**
 * `bulkhead policy test`: fixture files, each naming a policy and listing
 * cases (a subject and the expected verdict, violated rule ids and applied
 * exceptions), run through the real engine — `opa test` / `kyverno test` for
 * Bulkhead policies, so policy authors can test their policies in CI.
 */
import { dirname, resolve } from 'node:path';
import { readdir, stat } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { BadInputError } from '../../domain/errors.js';
import type { Verdict } from '../../domain/decision.js';
import { evaluate } from '../evaluate.js';
import { loadPolicySet, readPolicyText } from '../load-policy.js';
import type { PolicySet } from '../policy-set.js';
import { yamlLineOf } from '../yaml-line.js';
import { subjectFixtureSchema, subjectFromFixture } from './subject-fixture.js';

const caseSchema = z.strictObject({
  name: z.string().min(1),
  subject: subjectFixtureSchema,
  expect: z.strictObject({
    verdict: z.enum(['allow', 'warn', 'block']),
    /** Exactly these rule ids are violated (order does not matter). */
    violations: z.array(z.string()).optional(),
    /** Exactly these exception ids are applied. */
    exceptions: z.array(z.string()).optional(),
  }),
});

const fixtureSchema = z.strictObject({
  /** Policy file or directory, relative to the fixture file. */
  policy: z.string().min(1).optional(),
  /** Evaluation time (RFC 3339); default: the time of the run. Set it so expiry-dependent cases stay stable. */
  now: z.string().refine((s) => Number.isFinite(Date.parse(s)), { error: 'now must be an RFC 3339 timestamp' }).optional(),
  cases: z.array(caseSchema).min(1),
});

export interface PolicyTestResult {
  readonly file: string;
  readonly name: string;
  readonly passed: boolean;
  readonly verdict: Verdict;
  /** Why it failed, one line each. */
  readonly failures: readonly string[];
}

const MAX_FIXTURES = 1000;

async function fixtureFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const names = (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile() && /\.(ya?ml|json)$/i.test(e.name)).map((e) => e.name).sort();
  if (names.length === 0) throw new BadInputError(`${path}: no test fixtures (*.yaml, *.yml, *.json)`);
  if (names.length > MAX_FIXTURES) throw new BadInputError(`${path}: more than ${MAX_FIXTURES} fixtures`);
  return names.map((n) => resolve(path, n));
}

function setDiff(label: string, expected: readonly string[] | undefined, actual: readonly string[]): string[] {
  if (!expected) return [];
  const want = [...new Set(expected)].sort();
  const got = [...new Set(actual)].sort();
  return want.join(',') === got.join(',') ? [] : [`${label}: expected [${want.join(', ')}], got [${got.join(', ')}]`];
}

/**
 * Runs every fixture in `path` (a file or a directory). `policyOverride`
 * replaces each fixture's own `policy`.
 * @throws BadInputError (file:line) for unreadable fixtures; PolicyLoadError for a policy that does not load.
 */
export async function runPolicyTests(path: string, policyOverride?: string): Promise<PolicyTestResult[]> {
  const results: PolicyTestResult[] = [];
  const policies = new Map<string, PolicySet>();
  for (const file of await fixtureFiles(path)) {
    const text = await readPolicyText(file);
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
    const yamlError = doc.errors[0];
    if (yamlError) throw new BadInputError(`${file}:${lines.linePos(yamlError.pos[0]).line}: invalid YAML: ${yamlError.message.split('\n')[0]}`);
    const parsed = fixtureSchema.safeParse(doc.toJS({ maxAliasCount: 100 }));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const issuePath = (issue?.path ?? []) as (string | number)[];
      const key = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      const what = issue?.code === 'unrecognized_keys' ? `unknown key ${JSON.stringify(key)}` : `${issuePath.join('.')}: ${issue?.message}`;
      throw new BadInputError(`${file}:${yamlLineOf(doc, lines, issuePath, key)}: ${what}`);
    }
    const fixture = parsed.data;
    const policyPath = policyOverride ?? (fixture.policy ? resolve(dirname(file), fixture.policy) : undefined);
    if (!policyPath) throw new BadInputError(`${file}: names no policy (add "policy: PATH" or pass --policy)`);
    let policy = policies.get(policyPath);
    if (!policy) {
      policy = await loadPolicySet(policyPath);
      policies.set(policyPath, policy);
    }
    const now = fixture.now ? new Date(fixture.now) : new Date();
    for (const c of fixture.cases) {
      const decision = evaluate(policy, subjectFromFixture(c.subject), now);
      const failures = [
        ...(decision.verdict === c.expect.verdict ? [] : [`verdict: expected ${c.expect.verdict}, got ${decision.verdict}`]),
        ...setDiff('violations', c.expect.violations, decision.violations.map((v) => v.ruleId)),
        ...setDiff('exceptions', c.expect.exceptions, decision.exceptionsApplied.map((e) => e.id)),
      ];
      results.push({ file, name: c.name, passed: failures.length === 0, verdict: decision.verdict, failures });
    }
  }
  return results;
}

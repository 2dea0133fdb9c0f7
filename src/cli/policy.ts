/**
 * `bulkhead policy lint|test|init|explain`: check policy files (exit 2 with
 * file:line problems), run policy test fixtures (exit 1 on a failing case),
 * write out the default policy, and explain a decision for a target — which
 * rule fired on what and why, which did not apply and why, which exceptions
 * applied.
 */
import type { Command } from 'commander';
import { access, copyFile, readFile } from 'node:fs/promises';
import { BadInputError } from '../domain/errors.js';
import type { Violation } from '../domain/decision.js';
import {
  PolicyLoadError,
  evaluateTraced,
  formatProblem,
  loadPolicySet,
  runPolicyTests,
  type PolicySet,
  type TracedDecision,
} from '../policy/index.js';
import { ExitCode } from './exit.js';
import { writeOutput } from './output.js';
import { addTargetOptions, scanOptionsFromCli, type TargetOptions } from './target-options.js';
import { gateTarget } from '../policy/gate-target.js';
import { BUILT_IN_POLICY_PATH } from '../policy/built-in-policy.js';


function write(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

async function lint(paths: string[]): Promise<void> {
  let failed = false;
  for (const path of paths) {
    try {
      const policy = await loadPolicySet(path);
      write(`${path}: ok — ${policy.name} ${policy.version}, ${policy.rules.length} rule(s), ${policy.exceptions.length} exception(s), ${policy.hash}`);
    } catch (error) {
      if (!(error instanceof PolicyLoadError)) throw error;
      failed = true;
      for (const problem of error.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    }
  }
  if (failed) process.exitCode = ExitCode.BadInput;
}

async function test(dir: string, options: { policy?: string }): Promise<void> {
  const results = await runPolicyTests(dir, options.policy);
  for (const r of results) {
    write(`${r.passed ? 'PASS' : 'FAIL'} ${r.file}: ${r.name}`);
    for (const f of r.failures) write(`     ${f}`);
  }
  const failed = results.filter((r) => !r.passed).length;
  write(`${results.length - failed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = ExitCode.PolicyViolation;
}

async function init(file: string | undefined, options: { force?: boolean }): Promise<void> {
  if (!file || file === '-') {
    write(await readFile(BUILT_IN_POLICY_PATH, 'utf8'));
    return;
  }
  if (!options.force) {
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (exists) throw new BadInputError(`${file} exists; use --force to overwrite it`);
  }
  await copyFile(BUILT_IN_POLICY_PATH, file);
  process.stderr.write(`wrote the default policy to ${file}; check edits with "bulkhead policy lint ${file}"\n`);
}

function evidenceLine(v: Violation): string {
  const e = v.evidence;
  const parts = [
    e.package ? `package ${e.package.ecosystem}/${e.package.name}@${e.package.version}` : undefined,
    e.advisory ? `advisory ${[e.advisory.id, ...e.advisory.aliases].join('/')}` : undefined,
    e.finding ? `${e.finding.kind} finding ${e.finding.id}` : undefined,
    e.field ? `field ${e.field}${e.value !== undefined ? `=${JSON.stringify(e.value)}` : ''}` : undefined,
    e.file ? `file ${e.file}${e.line !== undefined ? `:${e.line}` : ''}` : undefined,
    e.layer ? `layer ${e.layer.slice(0, 19)}` : undefined,
  ].filter((p): p is string => p !== undefined);
  return parts.join(', ');
}

/** Human-readable explanation of a traced decision. */
export function renderExplanation(policy: PolicySet, target: string, traced: TracedDecision): string {
  const { decision } = traced;
  const out: string[] = [];
  out.push(`Policy  ${policy.name} ${policy.version} (${policy.hash.slice(0, 19)}…), ${policy.rules.length} rule(s), ${policy.exceptions.length} exception(s)`);
  out.push(`Target  ${target}${decision.basis.inventoryId ? ` (inventory ${decision.basis.inventoryId.slice(0, 19)}…)` : ''}`);
  out.push(`Verdict ${decision.verdict.toUpperCase()}  (${decision.violations.length} violation(s), evaluated ${decision.evaluatedAt})`);
  const fired = traced.rules.filter((r) => r.status === 'violated').sort((a, b) => (a.rule.effect === b.rule.effect ? 0 : a.rule.effect === 'block' ? -1 : 1));
  const passed = traced.rules.filter((r) => r.status === 'passed');
  const skipped = traced.rules.filter((r) => r.status === 'out-of-scope' || r.status === 'not-applicable');
  out.push('', `Fired (${fired.length}):`);
  for (const r of fired) {
    if (r.status !== 'violated') continue;
    out.push(`  ✗ ${r.rule.id} [${r.rule.effect}] ${r.rule.description}  (${r.rule.source.file}:${r.rule.source.line})`);
    for (const v of r.violations) {
      out.push(`      - ${v.message}`);
      const evidence = evidenceLine(v);
      if (evidence) out.push(`        evidence: ${evidence}`);
      if (v.remediation) out.push(`        fix: ${v.remediation}`);
    }
  }
  out.push('', `Passed (${passed.length}):`);
  for (const r of passed) if (r.status === 'passed') out.push(`  ✓ ${r.rule.id}: ${r.checked}${r.waived.length > 0 ? ` (${r.waived.length} waived by exceptions)` : ''}`);
  out.push('', `Did not apply (${skipped.length}):`);
  for (const r of skipped) if (r.status === 'out-of-scope' || r.status === 'not-applicable') out.push(`  - ${r.rule.id}: ${r.status === 'out-of-scope' ? 'out of scope: ' : ''}${r.reason}`);
  out.push('', 'Exceptions:');
  if (traced.exceptions.length === 0) out.push('  (none)');
  for (const t of traced.exceptions) {
    const e = t.exception;
    const head = `  ${t.status.padEnd(7)} ${e.id} (owner ${e.owner}, expires ${e.expires}): ${e.reason}`;
    if (t.status === 'applied') {
      const waived = decision.exceptionsApplied.find((a) => a.id === e.id)?.waived ?? [];
      out.push(`${head}`, ...waived.map((v) => `      waived ${v.ruleId}: ${v.message}`));
    } else if (t.status === 'expired' && t.matched.length > 0) {
      out.push(`${head}`, `      expired: would have waived ${t.matched.length} violation(s)`);
    } else {
      out.push(head);
    }
  }
  return out.join('\n');
}

interface ExplainOptions extends TargetOptions {
  policy: string;
  environment?: string;
  namespace?: string;
  now?: string;
  format?: string;
  output?: string;
}

export function registerPolicyCommand(program: Command): void {
  const policy = program.command('policy').description('write, check, test and explain policies');

  policy
    .command('lint')
    .description('check policy files or directories; prints file:line problems and exits 2 when any')
    .argument('<paths...>', 'policy file or directory of *.yaml files')
    .action(lint);

  policy
    .command('test')
    .description('run policy test fixtures (subjects with expected verdicts); exits 1 when a case fails')
    .argument('<path>', 'fixture file or directory of fixtures')
    .option('--policy <path>', "policy file or directory to test (default: each fixture's policy)")
    .action(test);

  policy
    .command('init')
    .description('write the default policy to FILE (or standard output) for editing')
    .argument('[file]')
    .option('--force', 'overwrite FILE if it exists')
    .action(init);

  addTargetOptions(
    policy
      .command('explain')
      .description('evaluate a policy against a target and show which rules fired on what and why, which did not apply, and which exceptions applied')
      .argument('<target>')
      .requiredOption('--policy <path>', 'policy file or directory')
      .option('--environment <name>', 'deployment environment the rules are scoped by (dev, test, prod, …)')
      .option('--namespace <name>', 'Kubernetes namespace the rules are scoped by')
      .option('--now <time>', 'evaluation time (RFC 3339; default now): shows how the decision looks on another day')
      .option('--format <format>', 'text or json', 'text')
      .option('-o, --output <file>', 'write to FILE instead of standard output')
      .option('--db <file>', 'advisory database (default: BULKHEAD_DB or ~/.cache/bulkhead/advisories.db)'),
  ).action(async (target: string, options: ExplainOptions & { db?: string }) => {
    if (options.format !== 'text' && options.format !== 'json') throw new BadInputError(`--format must be text or json, not ${options.format}`);
    const now = options.now ? new Date(options.now) : new Date();
    if (!Number.isFinite(now.getTime())) throw new BadInputError(`--now: not a timestamp: ${options.now}`);
    // Load the policy first: a broken policy should fail before a long scan.
    const policySet = await loadPolicySet(options.policy);
    // The same assessment as the CI gate (inventory, secrets, image checks, vulnerabilities), traced.
    const cli = await scanOptionsFromCli(options, Boolean(program.opts().debug));
    let gate;
    try {
      gate = await gateTarget(target, {
        ...cli,
        ...(options.db ? { db: options.db } : {}),
        policy: policySet,
        now,
        ...(options.environment ? { environment: options.environment } : {}),
        ...(options.namespace ? { namespace: options.namespace } : {}),
      });
    } finally {
      cli.finish();
    }
    if (!gate.scan.evaluated) process.stderr.write(`bulkhead: warning: ${gate.scan.database.message}\n`);
    const traced = evaluateTraced(policySet, gate.subject, now);
    const text =
      options.format === 'json'
        ? JSON.stringify(
            {
              decision: traced.decision,
              rules: traced.rules.map((r) => ({ id: r.rule.id, status: r.status, ...('reason' in r ? { reason: r.reason } : { checked: r.checked, waived: r.waived.length }) })),
              exceptions: traced.exceptions.map((e) => ({ id: e.exception.id, status: e.status, wouldHaveWaived: e.matched.length })),
            },
            null,
            2,
          )
        : renderExplanation(policySet, target, traced);
    await writeOutput(text, options.output);
  });
}

/**
 * `bulkhead scan TARGET`: what is inside a target and which known
 * vulnerabilities it carries. Formats: table, json, sarif, cyclonedx (SBOM +
 * vulnerabilities), junit. Filters: --severity, --ignore-unfixed; --vex
 * suppresses; --exit-code N fails the command when unsuppressed findings remain.
 * Without an advisory database it warns on stderr, reports the inventory and exits 0.
 * With --policy it is the CI gate: secrets and image-configuration checks run
 * too, the decision follows the report, and a `block` exits 1.
 * `dockerfile:PATH` lints a Dockerfile (and gates it with --policy).
 * With --console URL the assessment is uploaded to a Bulkhead console, which
 * matches it against its own advisory data and decides with its active
 * policy; the console's decision is printed and a `block` exits 1.
 */
import { Option, type Command } from 'commander';
import { BadInputError } from '../domain/errors.js';
import { SEVERITY_LEVELS, type SeverityLevel } from '../domain/severity.js';
import { toCycloneDxVdr } from '../report/cyclonedx-vdr.js';
import { toJUnit } from '../report/junit.js';
import { toSarif } from '../report/sarif.js';
import { toScanJson } from '../report/scan-json.js';
import { renderVulnerabilityTable } from '../report/vulnerability-table.js';
import { scan, type ScanResult } from '../scan/scan-target.js';
import { gateTarget } from '../policy/gate-target.js';
import { loadPolicySet } from '../policy/load-policy.js';
import { renderDecisionText, withDecisionJson, withDecisionJUnit, withDecisionSarif } from '../report/decision-report.js';
import { toolVersion } from '../scan/tool-version.js';
import { ExitCode } from './exit.js';
import { scanDockerfile } from './scan-dockerfile.js';
import { addTargetOptions, scanOptionsFromCli, type TargetOptions } from './target-options.js';
import { writeOutput } from './output.js';
import { buildAssessment } from '../console/inventory/build-assessment.js';
import type { Decision } from '../domain/decision.js';
import { uploadToConsole } from './console-upload.js';

const FORMATS = {
  table: renderVulnerabilityTable,
  json: toScanJson,
  sarif: toSarif,
  cyclonedx: (r: ScanResult) => toCycloneDxVdr(r),
  junit: toJUnit,
} as const;

interface ScanCliOptions extends TargetOptions {
  format: keyof typeof FORMATS;
  output?: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  vex?: string[];
  exitCode?: string;
  db?: string;
  policy?: string;
  environment?: string;
  namespace?: string;
  console?: string;
  token?: string;
  consoleCa?: string;
}

export function registerScanCommand(program: Command): void {
  addTargetOptions(
    program
      .command('scan')
      .description('scan a target: its packages and their known vulnerabilities')
      .argument('<target>', 'image, directory or SBOM (see Targets below)')
      .addOption(new Option('-f, --format <format>', 'report format').choices(Object.keys(FORMATS)).default('table'))
      .option('-o, --output <file>', 'write to FILE instead of standard output')
      .option('--severity <levels>', `only report these severities (comma-separated: ${SEVERITY_LEVELS.join(',')})`)
      .option('--ignore-unfixed', 'leave out vulnerabilities without a fixed version')
      .option('--vex <files...>', 'OpenVEX or CycloneDX VEX documents: not_affected/fixed statements suppress findings')
      .option('--exit-code <n>', 'exit with N when unsuppressed findings remain after filters')
      .option('--db <file>', 'advisory database (default: BULKHEAD_DB or ~/.cache/bulkhead/advisories.db)')
      .option('--policy <file|dir>', 'gate on a policy: print the decision, exit 1 when it blocks (see docs/policy.md)')
      .option('--environment <name>', 'environment the policy evaluates for (dev, test, prod, …)')
      .option('--namespace <name>', 'Kubernetes namespace the policy evaluates for')
      .option('--console <url>', "upload the assessment to a Bulkhead console and gate on its decision (exit 1 on block)")
      .option('--token <token>', 'API token for --console (role ci; default: BULKHEAD_CONSOLE_TOKEN)')
      .option('--console-ca <file>', "PEM CA certificate the console's TLS certificate must chain to (self-signed consoles)"),
  ).action(async (target: string, options: ScanCliOptions) => {
    const severities = options.severity === undefined ? undefined : parseSeverities(options.severity);
    const exitCode = options.exitCode === undefined ? undefined : parseExitCode(options.exitCode);
    // A broken policy fails before a long scan, and is never treated as "no policy".
    const policy = options.policy === undefined ? undefined : await loadPolicySet(options.policy);
    const context = { ...(options.environment ? { environment: options.environment } : {}), ...(options.namespace ? { namespace: options.namespace } : {}) };
    if (target.startsWith('dockerfile:')) {
      const { text, blocked } = await scanDockerfile(target.slice('dockerfile:'.length), options.format, policy, context);
      await writeOutput(text, options.output);
      if (blocked) process.exitCode = ExitCode.PolicyViolation;
      return;
    }
    if (options.console !== undefined) {
      await scanIntoConsole(target, options, policy, Boolean(program.opts().debug));
      return;
    }
    const cli = await scanOptionsFromCli(options, Boolean(program.opts().debug));
    const scanOptions = {
      ...cli,
      ...(options.db ? { db: options.db } : {}),
      ...(severities ? { severities } : {}),
      ignoreUnfixed: Boolean(options.ignoreUnfixed),
      vex: options.vex ?? [],
    };
    let result: ScanResult;
    let gate;
    try {
      if (policy) {
        gate = await gateTarget(target, { ...scanOptions, policy, ...context });
        result = gate.scan;
      } else {
        result = await scan(target, scanOptions);
      }
    } finally {
      cli.finish();
    }
    if (!result.evaluated && options.format !== 'table') process.stderr.write(`bulkhead: warning: ${result.database.message}\n`);
    let text = FORMATS[options.format](result);
    if (gate) {
      const { decision, checkFindings } = gate;
      if (options.format === 'table') text = `${text.trimEnd()}\n${renderDecisionText(decision, checkFindings)}\n`;
      else if (options.format === 'json') text = withDecisionJson(text, decision, checkFindings);
      else if (options.format === 'sarif') text = withDecisionSarif(text, decision, toolVersion());
      else if (options.format === 'junit') text = withDecisionJUnit(text, decision);
    }
    await writeOutput(text, options.output);
    if (exitCode !== undefined && result.summary.total > 0) process.exitCode = exitCode;
    if (gate?.decision.verdict === 'block') process.exitCode = ExitCode.PolicyViolation;
  });
}

async function scanIntoConsole(target: string, options: ScanCliOptions, policy: Awaited<ReturnType<typeof loadPolicySet>> | undefined, debug: boolean): Promise<void> {
  const token = options.token ?? process.env.BULKHEAD_CONSOLE_TOKEN;
  if (!token) throw new BadInputError('--console needs an API token: --token T or BULKHEAD_CONSOLE_TOKEN');
  if (options.format !== 'table' && options.format !== 'json') throw new BadInputError('--console prints the console\'s decision as table or json');
  const cli = await scanOptionsFromCli(options, debug);
  let built;
  try {
    built = await buildAssessment(target, {
      ...cli,
      ...(options.db ? { db: options.db } : {}),
      ...(policy ? { policy } : {}),
      ...(options.environment ? { environment: options.environment } : {}),
      ...(options.namespace ? { namespace: options.namespace } : {}),
    });
  } finally {
    cli.finish();
  }
  const answer = await uploadToConsole(built.assessment, {
    console: options.console as string,
    token,
    ...(options.consoleCa ? { caFile: options.consoleCa } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
  });
  for (const problem of answer.problems) process.stderr.write(`bulkhead: console: ${problem}\n`);
  let text: string;
  if (options.format === 'json') {
    text = `${JSON.stringify(answer, null, 2)}\n`;
  } else {
    const counts = Object.entries(answer.findings.bySeverity).map(([level, n]) => `${n} ${level}`).join(', ');
    const lines = [
      `Console: ${new URL(options.console as string).origin}  image ${answer.digest}`,
      `Findings: ${answer.findings.total}${counts ? ` (${counts})` : ''}; ${answer.findings.new} new, ${answer.findings.resolved} resolved since the last upload`,
    ];
    text = `${lines.join('\n')}\n${renderDecisionText(answer.decision as unknown as Decision, built.assessment.checkFindings)}\n`;
  }
  await writeOutput(text, options.output);
  if (answer.verdict === 'block') process.exitCode = ExitCode.PolicyViolation;
}

function parseSeverities(text: string): SeverityLevel[] {
  const levels = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  for (const l of levels) {
    if (!(SEVERITY_LEVELS as readonly string[]).includes(l)) throw new BadInputError(`--severity: unknown level "${l}"; use ${SEVERITY_LEVELS.join(', ')}`);
  }
  if (levels.length === 0) throw new BadInputError('--severity needs at least one level');
  return levels as SeverityLevel[];
}

function parseExitCode(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 255) throw new BadInputError(`--exit-code must be an integer from 0 to 255, not "${text}"`);
  return n;
}

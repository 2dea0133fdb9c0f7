/**
 * `bulkhead scan TARGET`: what is inside a target and which known
 * vulnerabilities it carries. Formats: table, json, sarif, cyclonedx (SBOM +
 * vulnerabilities), junit. Filters: --severity, --ignore-unfixed; --vex
 * suppresses; --exit-code N fails the command when unsuppressed findings remain.
 * Without an advisory database it warns on stderr, reports the inventory and exits 0.
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
import { addTargetOptions, scanOptionsFromCli, type TargetOptions } from './target-options.js';
import { writeOutput } from './output.js';

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
      .option('--db <file>', 'advisory database (default: BULKHEAD_DB or ~/.cache/bulkhead/advisories.db)'),
  ).action(async (target: string, options: ScanCliOptions) => {
    const severities = options.severity === undefined ? undefined : parseSeverities(options.severity);
    const exitCode = options.exitCode === undefined ? undefined : parseExitCode(options.exitCode);
    const cli = await scanOptionsFromCli(options, Boolean(program.opts().debug));
    let result: ScanResult;
    try {
      result = await scan(target, {
        ...cli,
        ...(options.db ? { db: options.db } : {}),
        ...(severities ? { severities } : {}),
        ignoreUnfixed: Boolean(options.ignoreUnfixed),
        vex: options.vex ?? [],
      });
    } finally {
      cli.finish();
    }
    if (!result.evaluated && options.format !== 'table') process.stderr.write(`bulkhead: warning: ${result.database.message}\n`);
    await writeOutput(FORMATS[options.format](result), options.output);
    if (exitCode !== undefined && result.summary.total > 0) process.exitCode = exitCode;
  });
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

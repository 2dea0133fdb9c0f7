/** `bulkhead host audit [--format table|json|junit|sarif] [--policy FILE] [--env NAME] [--root PATH] [--docker-host ADDR] [-o FILE]` */
import { Option, type Command } from 'commander';
import {
  evaluateHostPolicy,
  loadHostPolicy,
  renderHostJson,
  renderHostJunit,
  renderHostSarif,
  renderHostTable,
  runHostAudit,
} from '../host/index.js';
import type { HostAuditReport, HostPolicyOutcome } from '../host/index.js';
import { toolVersion } from '../scan/index.js';
import { ExitCode } from './exit.js';
import { writeOutput } from './output.js';

type Format = 'table' | 'json' | 'junit' | 'sarif';

const RENDERERS: Record<Format, (report: HostAuditReport, policy?: HostPolicyOutcome) => string> = {
  table: renderHostTable,
  json: renderHostJson,
  junit: renderHostJunit,
  sarif: (report, policy) => renderHostSarif(report, toolVersion(), policy),
};

interface AuditOptions {
  format: Format;
  policy?: string;
  env?: string;
  root?: string;
  dockerHost?: string;
  output?: string;
}

export function registerHostCommand(program: Command): void {
  const host = program.command('host').description('audit Docker hosts');
  host
    .command('audit')
    .description('audit this Docker host against the CIS Docker Benchmark v1.6.0 and the hardening policy')
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(RENDERERS)).default('table'))
    .option('--policy <file>', 'policy file with a hostHardening section: exit 1 when a required check fails')
    .option('--env <name>', 'environment of the policy whose required checks apply')
    .option('--root <path>', 'audit an offline host filesystem mounted at PATH (file checks only)')
    .option('--docker-host <address>', 'Docker Engine address (default: DOCKER_HOST or unix:///var/run/docker.sock)')
    .option('-o, --output <file>', 'write to FILE instead of standard output')
    .action(async (options: AuditOptions) => {
      // The policy is read first: a bad policy is bad input, whatever the host looks like.
      const policy = options.policy ? await loadHostPolicy(options.policy) : undefined;
      const report = await runHostAudit({
        ...(options.root !== undefined ? { root: options.root } : {}),
        ...(options.dockerHost !== undefined ? { dockerHost: options.dockerHost } : {}),
      });
      const outcome = policy ? evaluateHostPolicy(policy, options.env, report.results) : undefined;
      await writeOutput(RENDERERS[options.format](report, outcome), options.output);
      if (outcome && outcome.violations.length > 0) process.exitCode = ExitCode.PolicyViolation;
    });
}

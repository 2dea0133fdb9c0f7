#!/usr/bin/env node
/**
 * The `bulkhead` command line. Each command lives in its own file; this one
 * wires them up and owns the exit codes: 0 success, 1 policy violation
 * (later), 2 bad input, usage or any other error — always one line on stderr,
 * with the stack and stage timings under --debug.
 */
import { Command, CommanderError } from 'commander';
import { toolVersion } from '../scan/tool-version.js';
import { ExitCode, describeError } from './exit.js';

const program = new Command('bulkhead')
  .description('Container security: image inventory, SBOMs, vulnerabilities and policy')
  .version(toolVersion(), '-V, --version')
  .option('--debug', 'print stack traces and per-stage timings on stderr')
  .showHelpAfterError('(run "bulkhead help" for usage)')
  .exitOverride();

type Register = (program: Command) => void;

// Commands are loaded on demand: a scan should not pay for loading the policy
// engine, the host audit and the advisory store, and start-up time is part of
// every CI run. Help (no command, or an unknown one) loads them all.
const COMMANDS: Record<string, () => Promise<Register>> = {
  sbom: async () => (await import('./sbom.js')).registerSbomCommand,
  scan: async () => (await import('./scan.js')).registerScanCommand,
  catalogers: async () => (await import('./catalogers.js')).registerCatalogersCommand,
  version: async () => (await import('./version.js')).registerVersionCommand,
  db: async () => (await import('./db.js')).registerDbCommand,
  policy: async () => (await import('./policy.js')).registerPolicyCommand,
  host: async () => (await import('./host.js')).registerHostCommand,
  admission: async () => (await import('./admission.js')).registerAdmissionCommand,
  serve: async () => (await import('./serve.js')).registerServeCommand,
  worker: async () => (await import('./worker.js')).registerWorkerCommand,
  audit: async () => (await import('./audit.js')).registerAuditCommand,
  console: async () => (await import('./console.js')).registerConsoleCommand,
  defender: async () => (await import('./defender.js')).registerDefenderCommand,
};
const named = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
for (const name of named !== undefined && named in COMMANDS ? [named] : Object.keys(COMMANDS)) {
  (await (COMMANDS[name] as () => Promise<Register>)())(program);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
  } else {
    const debug = process.argv.includes('--debug');
    process.stderr.write(`bulkhead: ${describeError(error)}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = ExitCode.BadInput;
  }
}

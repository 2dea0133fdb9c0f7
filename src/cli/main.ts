#!/usr/bin/env node
/**
 * The `bulkhead` command line. Each command lives in its own file; this one
 * wires them up and owns the exit codes: 0 success, 1 policy violation
 * (later), 2 bad input, usage or any other error — always one line on stderr,
 * with the stack and stage timings under --debug.
 */
import { Command, CommanderError } from 'commander';
import { toolVersion } from '../scan/index.js';
import { registerSbomCommand } from './sbom.js';
import { registerScanCommand } from './scan.js';
import { registerCatalogersCommand } from './catalogers.js';
import { registerVersionCommand } from './version.js';
import { registerDbCommand } from './db.js';
import { registerPolicyCommand } from './policy.js';
import { registerHostCommand } from './host.js';
import { ExitCode, describeError } from './exit.js';

const program = new Command('bulkhead')
  .description('Container security: image inventory, SBOMs, vulnerabilities and policy')
  .version(toolVersion(), '-V, --version')
  .option('--debug', 'print stack traces and per-stage timings on stderr')
  .showHelpAfterError('(run "bulkhead help" for usage)')
  .exitOverride();

registerSbomCommand(program);
registerScanCommand(program);
registerCatalogersCommand(program);
registerVersionCommand(program);
registerDbCommand(program);
registerPolicyCommand(program);
registerHostCommand(program);

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

/**
 * Runs `bulkhead host audit` through the real command registration and the
 * same exit-code mapping as src/cli/main.ts, so the tests exercise the CLI
 * without depending on a build. Usage: tsx host-audit-cli.ts host audit …
 */
import { Command, CommanderError } from 'commander';
import { ExitCode, describeError } from '../../../src/cli/exit.js';
import { registerHostCommand } from '../../../src/cli/host.js';

const program = new Command('bulkhead').exitOverride();
registerHostCommand(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
  } else {
    process.stderr.write(`bulkhead: ${describeError(error)}\n`);
    process.exitCode = ExitCode.BadInput;
  }
}

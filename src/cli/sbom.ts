/** `bulkhead sbom TARGET [--format cyclonedx|spdx|json] [-o FILE]` */
import { Option, type Command } from 'commander';
import { cycloneDxPieces, inventoryJsonPieces, spdxPieces } from '../sbom/index.js';
import { addTargetOptions, inventoryFromCli, type TargetOptions } from './target-options.js';
import { writeOutput } from './output.js';

// Streamed: the document is written as it is produced, never held whole (issue #3's peak RSS).
const WRITERS = { cyclonedx: cycloneDxPieces, spdx: spdxPieces, json: inventoryJsonPieces } as const;

export function registerSbomCommand(program: Command): void {
  addTargetOptions(
    program
      .command('sbom')
      .description('write a software bill of materials for a target')
      .argument('<target>', 'image, directory or SBOM (see Targets below)')
      .addOption(new Option('-f, --format <format>', 'SBOM format').choices(Object.keys(WRITERS)).default('cyclonedx'))
      .option('-o, --output <file>', 'write to FILE instead of standard output'),
  ).action(async (target: string, options: TargetOptions & { format: keyof typeof WRITERS; output?: string }) => {
    const inv = await inventoryFromCli(target, options, Boolean(program.opts().debug));
    await writeOutput(WRITERS[options.format](inv), options.output);
  });
}

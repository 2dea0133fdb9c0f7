/** `bulkhead scan TARGET [--format table|json] [-o FILE]`: what is inside a target. */
import { Option, type Command } from 'commander';
import { toInventoryJson } from '../sbom/index.js';
import { renderInventoryTable } from '../report/inventory-table.js';
import { addTargetOptions, inventoryFromCli, type TargetOptions } from './target-options.js';
import { writeOutput } from './output.js';

export function registerScanCommand(program: Command): void {
  addTargetOptions(
    program
      .command('scan')
      .description('scan a target and report what it contains')
      .argument('<target>', 'image, directory or SBOM (see Targets below)')
      .addOption(new Option('-f, --format <format>', 'report format').choices(['table', 'json']).default('table'))
      .option('-o, --output <file>', 'write to FILE instead of standard output'),
  ).action(async (target: string, options: TargetOptions & { format: 'table' | 'json'; output?: string }) => {
    const inv = await inventoryFromCli(target, options, Boolean(program.opts().debug));
    const text = options.format === 'json' ? toInventoryJson(inv) : renderInventoryTable(inv);
    await writeOutput(text, options.output);
  });
}

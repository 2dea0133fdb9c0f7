/** `bulkhead catalogers`: which catalogers exist, what they read, which ecosystems they report. */
import { Option, type Command } from 'commander';
import { CATALOGERS } from '../catalog/registry.js';
import { renderTable } from '../report/text-table.js';
import { writeOutput } from './output.js';

export function registerCatalogersCommand(program: Command): void {
  program
    .command('catalogers')
    .description('list the catalogers and the files each reads')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: { format: 'table' | 'json' }) => {
      const rows = CATALOGERS.map((c) => ({ name: c.name, version: c.version, ecosystems: c.ecosystems, reads: c.reads }));
      if (options.format === 'json') {
        await writeOutput(JSON.stringify(rows, null, 2));
        return;
      }
      await writeOutput(
        renderTable(
          ['NAME', 'ECOSYSTEMS', 'READS'],
          rows.map((r) => [r.name, r.ecosystems.join(','), r.reads.join(', ')]),
        ),
      );
    });
}

/**
 * `bulkhead version compare SCHEME A B` prints <, = or >; with --batch it
 * reads "A B" pairs from stdin and prints one symbol per line (! when either
 * version is invalid for the scheme).
 */
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { BadInputError } from '../domain/errors.js';
import { getScheme, type VersionScheme } from '../version/index.js';

const SYMBOL = { [-1]: '<', 0: '=', 1: '>' } as const;

function compareSymbol(scheme: VersionScheme, a: string, b: string): string {
  if (!scheme.valid(a) || !scheme.valid(b)) return '!';
  return SYMBOL[scheme.compare(a, b)];
}

export function registerVersionCommand(program: Command): void {
  const version = program.command('version').description('version schemes of package ecosystems');
  version
    .command('compare')
    .description('compare two versions under a scheme: deb, rpm, apk, semver|npm, pep440|pypi, maven, go, gem, nuget, composer, cargo')
    .argument('<scheme>')
    .argument('[a]')
    .argument('[b]')
    .option('--batch', 'read "A B" pairs from standard input, one per line')
    .action(async (schemeName: string, a: string | undefined, b: string | undefined, options: { batch?: boolean }) => {
      const scheme = getScheme(schemeName);
      if (options.batch) {
        const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
        const out: string[] = [];
        for await (const line of lines) {
          const [x, y, ...rest] = line.trim().split(/\s+/);
          out.push(x === undefined || y === undefined || rest.length > 0 ? '!' : compareSymbol(scheme, x, y));
          if (out.length >= 4096) process.stdout.write(`${out.splice(0).join('\n')}\n`);
        }
        if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
        return;
      }
      if (a === undefined || b === undefined) throw new BadInputError('version compare needs SCHEME A B (or --batch)');
      for (const v of [a, b]) {
        if (!scheme.valid(v)) throw new BadInputError(`"${v}" is not a valid ${scheme.name} version`);
      }
      process.stdout.write(`${SYMBOL[scheme.compare(a, b)]}\n`);
    });
}

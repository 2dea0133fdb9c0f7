/**
 * The explicit list of catalogers, and `--catalogers` selection:
 * comma-separated names or name prefixes (`os`, `lang/npm`), `-name` to
 * exclude. Without a selection every cataloger runs.
 */
import { BadInputError } from '../domain/errors.js';
import type { Cataloger } from './cataloger.js';
import { dpkgCataloger } from './catalogers/os-dpkg/index.js';
import { apkCataloger } from './catalogers/os-apk/index.js';
import { rpmCataloger } from './catalogers/os-rpm/index.js';

export const CATALOGERS: readonly Cataloger[] = [dpkgCataloger, apkCataloger, rpmCataloger];

function matches(cataloger: Cataloger, term: string): boolean {
  return cataloger.name === term || cataloger.name.startsWith(`${term}/`) || cataloger.name.startsWith(`${term}-`);
}

export function selectCatalogers(terms: readonly string[] = [], all: readonly Cataloger[] = CATALOGERS): Cataloger[] {
  const parts = terms.flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  const include = parts.filter((t) => !t.startsWith('-'));
  const exclude = parts.filter((t) => t.startsWith('-')).map((t) => t.slice(1));
  for (const term of [...include, ...exclude]) {
    if (!all.some((c) => matches(c, term))) {
      throw new BadInputError(`unknown cataloger "${term}": run "bulkhead catalogers" to list them`);
    }
  }
  return all.filter(
    (c) => (include.length === 0 || include.some((t) => matches(c, t))) && !exclude.some((t) => matches(c, t)),
  );
}

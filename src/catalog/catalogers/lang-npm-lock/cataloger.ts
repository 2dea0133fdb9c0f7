import path from 'node:path';
import type { Cataloger } from '../../cataloger.js';
import { baseName, catalogEachFile } from '../lang-shared/index.js';
import { isInsideNodeModules } from '../lang-npm/index.js';
import type { CatalogContext, CatalogResult } from '../../cataloger.js';
import { parsePackageLock } from './parse-package-lock.js';

/**
 * In an installed project (node_modules beside the lockfile), an optional
 * package npm did not install — fsevents on Linux, a platform binary for
 * another CPU — is not in the image; in a bare source checkout every locked
 * package counts. Lockfile v2/v3 keys are install paths, so the check is exact.
 */
function skipUninstalledOptionals(result: CatalogResult, dir: string, ctx: CatalogContext): CatalogResult {
  if (ctx.tree.get(path.posix.join(dir, 'node_modules'))?.type !== 'dir') return result;
  const installed = (key: string): boolean => ctx.tree.get(path.posix.join(dir, key, 'package.json')) !== undefined;
  return {
    ...result,
    packages: result.packages.filter((p) => p.scope !== 'optional' || p.key === undefined || !p.key.startsWith('node_modules/') || installed(p.key)),
  };
}

const NAMES = new Set(['package-lock.json', 'npm-shrinkwrap.json']);

export const npmLockCataloger: Cataloger = {
  name: 'lang/npm-lock',
  version: 2,
  declares: true,
  ecosystems: ['npm'],
  reads: ['package-lock.json and npm-shrinkwrap.json (lockfile v1-v3) outside node_modules'],
  selects: (p) => NAMES.has(baseName(p)) && !isInsideNodeModules(p),
  selectsOnly: { names: [...NAMES] },
  catalog: (ctx) =>
    catalogEachFile(ctx, {
      name: 'lang/npm-lock',
      maxBytes: 128 * 1024 * 1024,
      // npm ignores package-lock.json when npm-shrinkwrap.json sits beside it.
      accept: (file, c) =>
        path.posix.basename(file.path) !== 'package-lock.json' ||
        c.tree.get(path.posix.join(path.posix.dirname(file.path), 'npm-shrinkwrap.json')) === undefined,
      parse: (text, file, c) => skipUninstalledOptionals(parsePackageLock(text, file), path.posix.dirname(file.path), c),
    }),
};

import path from 'node:path';
import type { Cataloger } from '../../cataloger.js';
import { catalogEachFile } from '../lang-shared/index.js';
import { isInsideNodeModules } from '../lang-npm/index.js';
import { parsePackageLock } from './parse-package-lock.js';

const NAMES = new Set(['package-lock.json', 'npm-shrinkwrap.json']);

export const npmLockCataloger: Cataloger = {
  name: 'lang/npm-lock',
  version: 2,
  declares: true,
  ecosystems: ['npm'],
  reads: ['package-lock.json and npm-shrinkwrap.json (lockfile v1-v3) outside node_modules'],
  selects: (p) => NAMES.has(path.posix.basename(p)) && !isInsideNodeModules(p),
  catalog: (ctx) =>
    catalogEachFile(ctx, {
      name: 'lang/npm-lock',
      maxBytes: 128 * 1024 * 1024,
      // npm ignores package-lock.json when npm-shrinkwrap.json sits beside it.
      accept: (file, c) =>
        path.posix.basename(file.path) !== 'package-lock.json' ||
        c.tree.get(path.posix.join(path.posix.dirname(file.path), 'npm-shrinkwrap.json')) === undefined,
      parse: (text, file) => parsePackageLock(text, file),
    }),
};

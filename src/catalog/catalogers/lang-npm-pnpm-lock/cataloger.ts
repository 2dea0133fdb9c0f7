import type { Cataloger } from '../../cataloger.js';
import { baseName, catalogEachFile } from '../lang-shared/index.js';
import { isInsideNodeModules } from '../lang-npm/index.js';
import { parsePnpmLock } from './parse-pnpm-lock.js';

export const pnpmLockCataloger: Cataloger = {
  name: 'lang/pnpm-lock',
  version: 2,
  declares: true,
  ecosystems: ['npm'],
  reads: ['pnpm-lock.yaml (lockfile v5-v9) outside node_modules'],
  selects: (p) => baseName(p) === 'pnpm-lock.yaml' && !isInsideNodeModules(p),
  selectsOnly: { names: ['pnpm-lock.yaml'] },
  catalog: (ctx) =>
    catalogEachFile(ctx, {
      name: 'lang/pnpm-lock',
      maxBytes: 64 * 1024 * 1024,
      parse: (text, file, c) => parsePnpmLock(text, file, c),
    }),
};

import type { Cataloger } from '../../cataloger.js';
import { baseName, catalogEachFile } from '../lang-shared/index.js';
import { isInsideNodeModules } from '../lang-npm/index.js';
import { parseYarnLock } from './parse-yarn-lock.js';

export const yarnLockCataloger: Cataloger = {
  name: 'lang/yarn-lock',
  version: 2,
  declares: true,
  ecosystems: ['npm'],
  reads: ['yarn.lock (classic v1 and berry v2+) outside node_modules'],
  selects: (p) => baseName(p) === 'yarn.lock' && !isInsideNodeModules(p),
  selectsOnly: { names: ['yarn.lock'] },
  catalog: (ctx) =>
    catalogEachFile(ctx, { name: 'lang/yarn-lock', maxBytes: 64 * 1024 * 1024, parse: (text, file) => parseYarnLock(text, file) }),
};

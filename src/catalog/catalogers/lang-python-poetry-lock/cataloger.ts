import type { Cataloger } from '../../cataloger.js';
import { baseName, catalogEachFile } from '../lang-shared/index.js';
import { parsePoetryLock } from './parse-poetry-lock.js';

export const poetryLockCataloger: Cataloger = {
  name: 'lang/poetry-lock',
  version: 2,
  declares: true,
  ecosystems: ['pypi'],
  reads: ['poetry.lock'],
  selects: (p) => baseName(p) === 'poetry.lock',
  selectsOnly: { names: ['poetry.lock'] },
  catalog: (ctx) =>
    catalogEachFile(ctx, { name: 'lang/poetry-lock', maxBytes: 32 * 1024 * 1024, parse: (text, file) => parsePoetryLock(text, file) }),
};

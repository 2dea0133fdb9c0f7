import type { Cataloger } from '../../cataloger.js';
import { baseName, catalogEachFile } from '../lang-shared/index.js';
import { parseUvLock } from './parse-uv-lock.js';

export const uvLockCataloger: Cataloger = {
  name: 'lang/uv-lock',
  version: 2,
  declares: true,
  ecosystems: ['pypi'],
  reads: ['uv.lock'],
  selects: (p) => baseName(p) === 'uv.lock',
  selectsOnly: { names: ['uv.lock'] },
  catalog: (ctx) =>
    catalogEachFile(ctx, { name: 'lang/uv-lock', maxBytes: 32 * 1024 * 1024, parse: (text, file) => parseUvLock(text, file) }),
};

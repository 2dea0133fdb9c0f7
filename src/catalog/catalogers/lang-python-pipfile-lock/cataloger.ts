import type { Cataloger } from '../../cataloger.js';
import { baseName, catalogEachFile } from '../lang-shared/index.js';
import { parsePipfileLock } from './parse-pipfile-lock.js';

export const pipfileLockCataloger: Cataloger = {
  name: 'lang/pipfile-lock',
  version: 2,
  declares: true,
  ecosystems: ['pypi'],
  reads: ['Pipfile.lock'],
  selects: (p) => baseName(p) === 'Pipfile.lock',
  selectsOnly: { names: ['Pipfile.lock'] },
  catalog: (ctx) =>
    catalogEachFile(ctx, { name: 'lang/pipfile-lock', maxBytes: 32 * 1024 * 1024, parse: (text, file) => parsePipfileLock(text, file) }),
};

import type { Cataloger } from '../../cataloger.js';
import { baseName, catalogEachFile } from '../lang-shared/index.js';
import { parseCargoLock } from './parse-cargo-lock.js';

export const cargoLockCataloger: Cataloger = {
  name: 'lang/cargo-lock',
  version: 2,
  declares: true,
  ecosystems: ['cargo'],
  reads: ['Cargo.lock (format v1-v4)'],
  selects: (p) => baseName(p) === 'Cargo.lock',
  selectsOnly: { names: ['Cargo.lock'] },
  catalog: (ctx) =>
    catalogEachFile(ctx, { name: 'lang/cargo-lock', maxBytes: 32 * 1024 * 1024, parse: (text, file) => parseCargoLock(text, file) }),
};

import type { Cataloger } from '../../cataloger.js';
import { baseName, catalogEachFile } from '../lang-shared/index.js';
import { parseGemfileLock } from './parse-gemfile-lock.js';

export const gemfileLockCataloger: Cataloger = {
  name: 'lang/gemfile-lock',
  version: 2,
  declares: true,
  ecosystems: ['gem'],
  reads: ['Gemfile.lock and gems.locked (Bundler)'],
  selects: (p) => {
    const base = baseName(p);
    return base === 'Gemfile.lock' || base === 'gems.locked';
  },
  selectsOnly: { names: ['Gemfile.lock', 'gems.locked'] },
  catalog: (ctx) =>
    catalogEachFile(ctx, { name: 'lang/gemfile-lock', maxBytes: 16 * 1024 * 1024, parse: (text, file) => parseGemfileLock(text, file) }),
};

import type { Cataloger } from '../../cataloger.js';
import { baseName, catalogEachFile } from '../lang-shared/index.js';
import { parseComposer } from './parse-composer.js';

const isInstalledJson = (p: string): boolean => p.endsWith('/vendor/composer/installed.json');
const isLock = (p: string): boolean => baseName(p) === 'composer.lock' && !p.includes('/vendor/');

export const composerLockCataloger: Cataloger = {
  name: 'lang/composer-lock',
  version: 2,
  declares: true,
  ecosystems: ['composer'],
  reads: ['composer.lock outside vendor/'],
  selects: isLock,
  selectsOnly: { names: ['composer.lock'] },
  catalog: (ctx) =>
    catalogEachFile(ctx, { name: 'lang/composer-lock', maxBytes: 64 * 1024 * 1024, parse: (text, file) => parseComposer(text, file, 'lock') }),
};

export const composerInstalledCataloger: Cataloger = {
  name: 'lang/composer-installed',
  version: 1,
  ecosystems: ['composer'],
  reads: ['vendor/composer/installed.json (Composer 1 and 2)'],
  selects: isInstalledJson,
  selectsOnly: { names: ['installed.json'] },
  catalog: (ctx) =>
    catalogEachFile(ctx, {
      name: 'lang/composer-installed',
      maxBytes: 64 * 1024 * 1024,
      parse: (text, file) => parseComposer(text, file, 'installed'),
    }),
};

import type { Cataloger } from '../../cataloger.js';
import { baseName, catalogEachFile } from '../lang-shared/index.js';
import { parsePackagesLock } from './parse-packages-lock.js';

export const dotnetPackagesLockCataloger: Cataloger = {
  name: 'lang/nuget-packages-lock',
  version: 2,
  declares: true,
  ecosystems: ['nuget'],
  reads: ['packages.lock.json (NuGet lock file)'],
  selects: (p) => baseName(p) === 'packages.lock.json',
  selectsOnly: { names: ['packages.lock.json'] },
  catalog: (ctx) =>
    catalogEachFile(ctx, {
      name: 'lang/nuget-packages-lock',
      maxBytes: 32 * 1024 * 1024,
      parse: (text, file) => parsePackagesLock(text, file),
    }),
};

import type { Cataloger } from '../../cataloger.js';
import { catalogEachFile } from '../lang-shared/index.js';
import { parseDepsJson } from './parse-deps-json.js';

export const dotnetDepsJsonCataloger: Cataloger = {
  name: 'lang/dotnet-deps-json',
  version: 1,
  ecosystems: ['nuget'],
  reads: ['*.deps.json of .NET applications (libraries of type package)'],
  selects: (p) => p.endsWith('.deps.json'),
  selectsOnly: { extensions: ['.json'] },
  catalog: (ctx) =>
    catalogEachFile(ctx, { name: 'lang/dotnet-deps-json', maxBytes: 32 * 1024 * 1024, parse: (text, file) => parseDepsJson(text, file) }),
};

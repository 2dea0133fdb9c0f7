import { z } from 'zod';
import { BadInputError } from '../../../domain/errors.js';
import type { FileEntry } from '../../../image/file-tree.js';
import type { CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { locationOf, parseJsonText, validate } from '../lang-shared/index.js';
import { nugetPackageDraft } from './nuget-package-draft.js';

const MAX_CHARS = 32 * 1024 * 1024;

const library = z.looseObject({ type: z.string().optional() });
const targetEntry = z.looseObject({ dependencies: z.record(z.string(), z.unknown()).optional() });
const depsSchema = z.looseObject({
  targets: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  libraries: z.record(z.string(), z.unknown()).optional(),
});

/**
 * <app>.deps.json written by the .NET SDK: "libraries" lists every assembly
 * source as "Name/Version"; those of type "package" came from NuGet. The
 * "targets" sections carry the dependency edges.
 */
export function parseDepsJson(text: string, file: FileEntry): CatalogResult {
  const doc = validate(depsSchema, parseJsonText(text, MAX_CHARS), 'deps.json');
  if (doc.libraries === undefined) throw new BadInputError('deps.json has no "libraries" section');
  const location = locationOf(file);
  const packages: PackageDraft[] = [];
  const keyByName = new Map<string, string>();
  for (const [id, raw] of Object.entries(doc.libraries)) {
    const lib = library.safeParse(raw);
    const slash = id.lastIndexOf('/');
    if (!lib.success || slash <= 0 || slash === id.length - 1) continue;
    if (lib.data.type !== 'package') continue;
    const name = id.slice(0, slash);
    packages.push(nugetPackageDraft(name, id.slice(slash + 1), location, id));
    keyByName.set(`${name.toLowerCase()}/${id.slice(slash + 1).toLowerCase()}`, id);
  }
  const relationships: RelationshipDraft[] = [];
  for (const target of Object.values(doc.targets ?? {})) {
    for (const [id, raw] of Object.entries(target)) {
      const from = keyByName.get(id.toLowerCase());
      const entry = targetEntry.safeParse(raw);
      if (from === undefined || !entry.success) continue;
      for (const [dep, version] of Object.entries(entry.data.dependencies ?? {})) {
        const to = typeof version === 'string' ? keyByName.get(`${dep.toLowerCase()}/${version.toLowerCase()}`) : undefined;
        if (to !== undefined && to !== from) relationships.push({ from, to, type: 'depends-on' });
      }
    }
  }
  return { packages, relationships };
}

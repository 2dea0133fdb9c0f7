import { z } from 'zod';
import type { FileEntry } from '../../../image/file-tree.js';
import type { CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { locationOf, parseJsonText, validate } from '../lang-shared/index.js';
import { nugetPackageDraft } from '../lang-dotnet-deps-json/index.js';

const MAX_CHARS = 32 * 1024 * 1024;

const entrySchema = z.looseObject({
  type: z.string().optional(),
  resolved: z.string().optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
});
const lockSchema = z.looseObject({
  version: z.number().optional(),
  dependencies: z.record(z.string(), z.record(z.string(), z.unknown())),
});

/**
 * NuGet packages.lock.json (lock format 1 and 2): per target framework, every
 * Direct, Transitive and CentralTransitive package with its resolved version.
 * Project references are the solution's own code and are left out.
 */
export function parsePackagesLock(text: string, file: FileEntry): CatalogResult {
  const doc = validate(lockSchema, parseJsonText(text, MAX_CHARS), 'packages.lock.json');
  const location = locationOf(file);
  const packages: PackageDraft[] = [];
  const keys = new Set<string>();
  const edges: [string, string][] = [];
  for (const framework of Object.values(doc.dependencies)) {
    for (const [name, raw] of Object.entries(framework)) {
      const entry = entrySchema.safeParse(raw);
      if (!entry.success || entry.data.type === 'Project' || entry.data.resolved === undefined) continue;
      const key = `${name.toLowerCase()}/${entry.data.resolved.toLowerCase()}`;
      if (!keys.has(key)) {
        keys.add(key);
        packages.push(nugetPackageDraft(name, entry.data.resolved, location, key));
      }
      for (const dep of Object.keys(entry.data.dependencies ?? {})) {
        const resolved = framework[dep];
        const depEntry = entrySchema.safeParse(resolved);
        if (depEntry.success && depEntry.data.resolved !== undefined) {
          edges.push([key, `${dep.toLowerCase()}/${depEntry.data.resolved.toLowerCase()}`]);
        }
      }
    }
  }
  const relationships: RelationshipDraft[] = edges
    .filter(([from, to]) => keys.has(to) && from !== to)
    .map(([from, to]) => ({ from, to, type: 'depends-on' }));
  return { packages, relationships };
}

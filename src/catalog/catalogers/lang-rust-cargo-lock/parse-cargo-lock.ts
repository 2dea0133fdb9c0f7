import { z } from 'zod';
import type { FileEntry } from '../../../image/file-tree.js';
import { formatPurl } from '../../../domain/purl.js';
import type { CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { locationOf, parseTomlText, validate } from '../lang-shared/index.js';

const MAX_CHARS = 32 * 1024 * 1024;

const packageSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  source: z.string().optional(),
  dependencies: z.array(z.string()).optional(),
});
const lockSchema = z.looseObject({ package: z.array(z.unknown()).optional() });

/**
 * Cargo.lock, format versions 1 to 4. Dependencies are written "name" when
 * only one version is locked, "name version" otherwise, and
 * "name version (source)" when two sources share a version.
 */
export function parseCargoLock(text: string, file: FileEntry): CatalogResult {
  const doc = validate(lockSchema, parseTomlText(text, MAX_CHARS), 'Cargo.lock');
  const location = locationOf(file);
  const packages: PackageDraft[] = [];
  const byName = new Map<string, string[]>();
  const byNameVersion = new Map<string, string>();
  const entries: { key: string; deps: readonly string[] }[] = [];
  (doc.package ?? []).forEach((raw, index) => {
    const parsed = packageSchema.safeParse(raw);
    if (!parsed.success) return;
    const pkg = parsed.data;
    const key = String(index);
    const git = pkg.source?.startsWith('git+') ? /#([0-9a-f]{40})$/.exec(pkg.source)?.[1] : undefined;
    packages.push({
      ecosystem: 'cargo',
      name: pkg.name,
      version: pkg.version,
      purl: formatPurl({ type: 'cargo', name: pkg.name, version: pkg.version }),
      licenses: [],
      locations: [location],
      key,
      ...(pkg.source === undefined ? { metadata: { source: 'local' } } : git !== undefined ? { metadata: { commit: git } } : {}),
    });
    byName.set(pkg.name, [...(byName.get(pkg.name) ?? []), key]);
    byNameVersion.set(`${pkg.name} ${pkg.version}`, key);
    entries.push({ key, deps: pkg.dependencies ?? [] });
  });
  const relationships: RelationshipDraft[] = [];
  for (const { key, deps } of entries) {
    for (const dep of deps) {
      const [name = '', version] = dep.split(' ');
      const to = version !== undefined ? byNameVersion.get(`${name} ${version}`) : byName.get(name)?.[0];
      if (to !== undefined && to !== key) relationships.push({ from: key, to, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}

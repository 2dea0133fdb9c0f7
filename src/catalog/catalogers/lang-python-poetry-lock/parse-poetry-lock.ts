import { z } from 'zod';
import type { DependencyScope } from '../../../domain/package.js';
import type { FileEntry } from '../../../image/file-tree.js';
import type { CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { locationOf, parseTomlText, validate } from '../lang-shared/index.js';
import { normalizePypiName, pypiPackageDraft } from '../lang-python/index.js';

const MAX_CHARS = 32 * 1024 * 1024;

const packageSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  category: z.string().optional(),
  optional: z.boolean().optional(),
  groups: z.array(z.string()).optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
  source: z.looseObject({ type: z.string().optional(), url: z.string().optional(), resolved_reference: z.string().optional() }).optional(),
});
const lockSchema = z.looseObject({ package: z.array(z.unknown()).optional() });

/**
 * Poetry 1.x writes `category = "main" | "dev"`; poetry 2 writes the
 * dependency groups a package belongs to. A package outside "main" is dev.
 */
function scopeOf(pkg: z.infer<typeof packageSchema>): DependencyScope | undefined {
  const dev = pkg.groups !== undefined ? !pkg.groups.includes('main') : pkg.category === 'dev';
  if (dev) return 'dev';
  return pkg.optional === true ? 'optional' : undefined;
}

/** poetry.lock: every [[package]] table; dependencies become edges by normalized name. */
export function parsePoetryLock(text: string, file: FileEntry): CatalogResult {
  const doc = validate(lockSchema, parseTomlText(text, MAX_CHARS), 'poetry.lock');
  const location = locationOf(file);
  const packages: PackageDraft[] = [];
  const byName = new Map<string, string>();
  const deps: [string, string[]][] = [];
  (doc.package ?? []).forEach((raw, index) => {
    const parsed = packageSchema.safeParse(raw);
    if (!parsed.success) return;
    const pkg = parsed.data;
    const key = String(index);
    const scope = scopeOf(pkg);
    packages.push(
      pypiPackageDraft({
        name: pkg.name,
        version: pkg.version,
        location,
        key,
        ...(scope !== undefined ? { scope } : {}),
        metadata: {
          ...(pkg.source?.type === 'git' && pkg.source.resolved_reference !== undefined ? { commit: pkg.source.resolved_reference } : {}),
        },
      }),
    );
    byName.set(normalizePypiName(pkg.name), key);
    deps.push([key, Object.keys(pkg.dependencies ?? {})]);
  });
  const relationships: RelationshipDraft[] = [];
  for (const [from, names] of deps) {
    for (const name of names) {
      const to = byName.get(normalizePypiName(name));
      if (to !== undefined && to !== from) relationships.push({ from, to, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}

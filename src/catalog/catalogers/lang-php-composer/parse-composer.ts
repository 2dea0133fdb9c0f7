import { z } from 'zod';
import type { FileEntry } from '../../../image/file-tree.js';
import { formatPurl } from '../../../domain/purl.js';
import type { CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { locationOf, parseJsonText, validate } from '../lang-shared/index.js';

const MAX_CHARS = 64 * 1024 * 1024;

const packageSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  license: z.union([z.array(z.unknown()), z.string()]).optional(),
  require: z.record(z.string(), z.unknown()).optional(),
  source: z.looseObject({ reference: z.string().nullish() }).nullish(),
});
const lockSchema = z.looseObject({ packages: z.array(z.unknown()).nullish(), 'packages-dev': z.array(z.unknown()).nullish() });
const installedV2 = z.looseObject({ packages: z.array(z.unknown()), 'dev-package-names': z.array(z.string()).optional() });

type Listed = { raw: unknown; dev: boolean };

/** Platform requirements (php, ext-*, lib-*, composer-*) are not packages. */
function isPlatform(name: string): boolean {
  return !name.includes('/');
}

/**
 * composer.lock ("packages" and "packages-dev") and vendor/composer/installed.json
 * (Composer 1: a bare array; Composer 2: {packages, dev-package-names}).
 */
export function parseComposer(text: string, file: FileEntry, kind: 'lock' | 'installed'): CatalogResult {
  if (text.trim() === '') return { packages: [] };
  const doc = parseJsonText(text, MAX_CHARS);
  let listed: Listed[];
  if (kind === 'lock') {
    const lock = validate(lockSchema, doc, 'composer.lock');
    listed = [...(lock.packages ?? []).map((raw) => ({ raw, dev: false })), ...(lock['packages-dev'] ?? []).map((raw) => ({ raw, dev: true }))];
  } else if (Array.isArray(doc)) {
    listed = doc.map((raw) => ({ raw, dev: false }));
  } else {
    const installed = validate(installedV2, doc, 'installed.json');
    const dev = new Set(installed['dev-package-names'] ?? []);
    listed = installed.packages.map((raw) => ({ raw, dev: typeof raw === 'object' && raw !== null && dev.has(String((raw as { name?: unknown }).name)) }));
  }
  const location = locationOf(file);
  const packages: PackageDraft[] = [];
  const requires: [string, string[]][] = [];
  const byName = new Map<string, string>();
  listed.forEach(({ raw, dev }, index) => {
    const parsed = packageSchema.safeParse(raw);
    if (!parsed.success) return;
    const pkg = parsed.data;
    const slash = pkg.name.indexOf('/');
    const key = String(index);
    const licenses = (Array.isArray(pkg.license) ? pkg.license : pkg.license !== undefined ? [pkg.license] : []).filter(
      (l): l is string => typeof l === 'string' && l.trim() !== '',
    );
    const reference = pkg.source?.reference ?? undefined;
    packages.push({
      ecosystem: 'composer',
      name: pkg.name,
      version: pkg.version,
      purl: formatPurl({
        type: 'composer',
        ...(slash > 0 ? { namespace: pkg.name.slice(0, slash) } : {}),
        name: slash > 0 ? pkg.name.slice(slash + 1) : pkg.name,
        version: pkg.version,
      }),
      licenses,
      locations: [location],
      key,
      ...(dev ? { scope: 'dev' as const } : {}),
      ...(reference ? { metadata: { commit: reference } } : {}),
    });
    byName.set(pkg.name.toLowerCase(), key);
    requires.push([key, Object.keys(pkg.require ?? {}).filter((n) => !isPlatform(n))]);
  });
  const relationships: RelationshipDraft[] = [];
  for (const [from, names] of requires) {
    for (const name of names) {
      const to = byName.get(name.toLowerCase());
      if (to !== undefined && to !== from) relationships.push({ from, to, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}

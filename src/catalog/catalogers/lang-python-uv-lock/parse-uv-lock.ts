import { z } from 'zod';
import type { DependencyScope } from '../../../domain/package.js';
import type { FileEntry } from '../../../image/file-tree.js';
import type { CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { locationOf, parseTomlText, validate } from '../lang-shared/index.js';
import { normalizePypiName, pypiPackageDraft } from '../lang-python/index.js';

const MAX_CHARS = 32 * 1024 * 1024;

const depSchema = z.looseObject({ name: z.string(), version: z.string().optional() });
const depList = z.array(z.unknown()).optional();
const packageSchema = z.looseObject({
  name: z.string(),
  version: z.string().optional(),
  source: z.record(z.string(), z.unknown()).optional(),
  dependencies: depList,
  'optional-dependencies': z.record(z.string(), z.unknown()).optional(),
  'dev-dependencies': z.record(z.string(), z.unknown()).optional(),
});
const lockSchema = z.looseObject({ package: z.array(z.unknown()).optional() });

type UvPackage = z.infer<typeof packageSchema>;
type DepRef = z.infer<typeof depSchema>;

function depsOf(list: unknown): DepRef[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((d) => {
    const parsed = depSchema.safeParse(d);
    return parsed.success ? [parsed.data] : [];
  });
}

function groupDeps(groups: Record<string, unknown> | undefined): DepRef[] {
  return Object.values(groups ?? {}).flatMap(depsOf);
}

/** The project itself (and a virtual workspace root) is not a dependency. */
function isProjectRoot(pkg: UvPackage): boolean {
  return pkg.source?.editable === '.' || pkg.source?.virtual === '.';
}

function isWorkspaceMember(pkg: UvPackage): boolean {
  return pkg.source !== undefined && ('editable' in pkg.source || 'virtual' in pkg.source);
}

/**
 * uv.lock: every [[package]] except the project root. Scope follows from the
 * workspace members: what their dependencies reach is production, what only
 * their extras reach is optional, what only their dependency groups reach is dev.
 */
export function parseUvLock(text: string, file: FileEntry): CatalogResult {
  const doc = validate(lockSchema, parseTomlText(text, MAX_CHARS), 'uv.lock');
  const all: { key: string; pkg: UvPackage }[] = [];
  for (const raw of doc.package ?? []) {
    const parsed = packageSchema.safeParse(raw);
    if (parsed.success) all.push({ key: `${normalizePypiName(parsed.data.name)}@${parsed.data.version ?? ''}`, pkg: parsed.data });
  }
  const byName = new Map<string, string[]>();
  for (const { key, pkg } of all) {
    const name = normalizePypiName(pkg.name);
    byName.set(name, [...(byName.get(name) ?? []), key]);
  }
  const resolve = (dep: DepRef): string | undefined => {
    const name = normalizePypiName(dep.name);
    return dep.version !== undefined ? `${name}@${dep.version}` : byName.get(name)?.[0];
  };
  const byKey = new Map(all.map((e) => [e.key, e.pkg]));
  const reach = (roots: DepRef[]): Set<string> => {
    const seen = new Set<string>();
    const queue = roots.map(resolve).filter((k): k is string => k !== undefined);
    while (queue.length > 0) {
      const key = queue.pop() ?? '';
      if (seen.has(key) || !byKey.has(key)) continue;
      seen.add(key);
      for (const dep of depsOf(byKey.get(key)?.dependencies)) {
        const next = resolve(dep);
        if (next !== undefined && !seen.has(next)) queue.push(next);
      }
    }
    return seen;
  };
  const members = all.filter((e) => isWorkspaceMember(e.pkg));
  const prod = reach(members.flatMap((m) => depsOf(m.pkg.dependencies)));
  const optional = reach(members.flatMap((m) => groupDeps(m.pkg['optional-dependencies'])));
  const dev = reach(members.flatMap((m) => groupDeps(m.pkg['dev-dependencies'])));
  const scopeOf = (key: string): DependencyScope | undefined => {
    if (members.length === 0 || prod.has(key)) return undefined;
    if (optional.has(key)) return 'optional';
    return dev.has(key) ? 'dev' : undefined;
  };

  const location = locationOf(file);
  const packages: PackageDraft[] = [];
  const relationships: RelationshipDraft[] = [];
  for (const { key, pkg } of all) {
    if (isProjectRoot(pkg)) continue;
    const git = typeof pkg.source?.git === 'string' ? pkg.source.git : undefined;
    const commit = git !== undefined ? /#([0-9a-f]{40})$/.exec(git)?.[1] : undefined;
    const scope = scopeOf(key);
    packages.push(
      pypiPackageDraft({
        name: pkg.name,
        version: pkg.version ?? '',
        location,
        key,
        ...(scope !== undefined ? { scope } : {}),
        metadata: commit !== undefined ? { commit } : {},
      }),
    );
    for (const dep of depsOf(pkg.dependencies)) {
      const to = resolve(dep);
      if (to !== undefined && to !== key) relationships.push({ from: key, to, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}

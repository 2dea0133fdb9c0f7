import { z } from 'zod';
import type { DependencyScope } from '../../../domain/package.js';
import type { FileEntry } from '../../../image/file-tree.js';
import type { CatalogContext, CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { locationOf, parseYamlText, validate } from '../lang-shared/index.js';
import { npmPackageDraft } from '../lang-npm/index.js';
import { parseDependencyPath } from './parse-dependency-path.js';

const MAX_CHARS = 64 * 1024 * 1024;

const depMap = z.record(z.string(), z.unknown()).optional();
const entrySchema = z.looseObject({
  name: z.string().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  dev: z.boolean().optional(),
  optional: z.boolean().optional(),
  dependencies: depMap,
  optionalDependencies: depMap,
});
const importerSchema = z.looseObject({ dependencies: depMap, optionalDependencies: depMap, devDependencies: depMap });
const lockSchema = z.looseObject({
  lockfileVersion: z.union([z.string(), z.number()]).optional(),
  packages: z.record(z.string(), z.unknown()).nullish(),
  snapshots: z.record(z.string(), z.unknown()).nullish(),
  importers: z.record(z.string(), z.unknown()).nullish(),
  dependencies: depMap,
  optionalDependencies: depMap,
  devDependencies: depMap,
});

type Entry = z.infer<typeof entrySchema>;

/** The version written in an importer or dependency map: '1.2.3' or {specifier, version}. */
function refOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value !== null && typeof value === 'object' && 'version' in value) {
    const v = (value as { version: unknown }).version;
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** pnpm-lock.yaml, lockfile versions 5.x, 6.x and 9.x. */
export function parsePnpmLock(text: string, file: FileEntry, ctx?: CatalogContext): CatalogResult {
  const raw = parseYamlText(text, MAX_CHARS);
  if (raw === null || raw === undefined) return { packages: [] };
  const doc = validate(lockSchema, raw, 'pnpm-lock.yaml');
  const major = Number.parseInt(String(doc.lockfileVersion ?? '5'), 10);
  const location = locationOf(file);
  // v9 moved the dependency graph into "snapshots"; earlier versions keep it in "packages".
  const graph = major >= 9 ? (doc.snapshots ?? {}) : (doc.packages ?? {});
  const entries = new Map<string, Entry>();
  for (const [key, value] of Object.entries(doc.packages ?? {})) {
    const parsed = entrySchema.safeParse(value ?? {});
    if (parsed.success) entries.set(key, parsed.data);
  }
  const graphEntries = new Map<string, Entry>();
  for (const [key, value] of Object.entries(graph)) {
    const parsed = entrySchema.safeParse(value ?? {});
    if (parsed.success) graphEntries.set(key, parsed.data);
  }

  const keyForRef = (name: string, ref: string): string | undefined => {
    const candidates = major >= 9 ? [`${name}@${ref}`, ref] : major >= 6 ? [`/${name}@${ref}`, ref] : [`/${name}/${ref}`, ref];
    return candidates.find((c) => graphEntries.has(c));
  };
  const packageKeyOf = (graphKey: string): string => {
    if (major < 9) return graphKey;
    const paren = graphKey.indexOf('(');
    return paren >= 0 ? graphKey.slice(0, paren) : graphKey;
  };

  const scopes = major >= 9 ? scopesFromImporters(doc, graphEntries, keyForRef) : undefined;

  const packages: PackageDraft[] = [];
  for (const [key, entry] of entries) {
    const fromPath = parseDependencyPath(key);
    const name = entry.name ?? fromPath?.name ?? nameBeforeSource(key);
    const version = entry.version !== undefined ? String(entry.version) : fromPath?.version;
    if (name === undefined || version === undefined) {
      if (!/^(?:file:|link:|[\w.-]+\.[a-z]+\/)/.test(key) || entry.version !== undefined) {
        ctx?.warn(`lang/pnpm-lock: cannot read a package name and version from "${key}"`, file.path);
      }
      continue;
    }
    const scope: DependencyScope | undefined =
      scopes !== undefined ? scopes.get(key) : entry.dev === true ? 'dev' : entry.optional === true ? 'optional' : undefined;
    packages.push(
      npmPackageDraft({
        name,
        version,
        location,
        key,
        ...(scope !== undefined && scope !== 'prod' ? { scope } : {}),
        metadata: fromPath === undefined ? { resolved: key } : {},
      }),
    );
  }

  const relationships: RelationshipDraft[] = [];
  for (const [graphKey, entry] of graphEntries) {
    const from = packageKeyOf(graphKey);
    for (const [dep, value] of Object.entries({ ...entry.optionalDependencies, ...entry.dependencies })) {
      const ref = refOf(value);
      const target = ref === undefined ? undefined : keyForRef(dep, ref);
      if (target !== undefined && packageKeyOf(target) !== from) {
        relationships.push({ from, to: packageKeyOf(target), type: 'depends-on' });
      }
    }
  }
  return { packages, relationships: dedupe(relationships) };
}

/** v9 keys of git and tarball packages: 'name@https://…'. */
function nameBeforeSource(key: string): string | undefined {
  return /^((?:@[^/@\s]+\/)?[^/@\s]+)@[a-z+]+:/.exec(key)?.[1];
}

function dedupe(rels: RelationshipDraft[]): RelationshipDraft[] {
  const seen = new Set<string>();
  return rels.filter((r) => {
    const id = `${r.from}\0${r.to}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * v9 lockfiles drop the per-package dev flag; it follows from the importers:
 * whatever production or optional roots reach is not dev.
 */
function scopesFromImporters(
  doc: z.infer<typeof lockSchema>,
  graph: ReadonlyMap<string, Entry>,
  keyForRef: (name: string, ref: string) => string | undefined,
): Map<string, DependencyScope> {
  const roots = { prod: [] as string[], optional: [] as string[], dev: [] as string[] };
  for (const value of Object.values(doc.importers ?? {})) {
    const importer = importerSchema.safeParse(value ?? {});
    if (!importer.success) continue;
    const add = (map: Record<string, unknown> | undefined, into: string[]): void => {
      for (const [name, v] of Object.entries(map ?? {})) {
        const ref = refOf(v);
        const key = ref === undefined ? undefined : keyForRef(name, ref);
        if (key !== undefined) into.push(key);
      }
    };
    add(importer.data.dependencies, roots.prod);
    add(importer.data.optionalDependencies, roots.optional);
    add(importer.data.devDependencies, roots.dev);
  }
  const reach = (start: readonly string[]): Set<string> => {
    const seen = new Set<string>(start);
    const queue = [...start];
    while (queue.length > 0) {
      const entry = graph.get(queue.pop() ?? '');
      for (const [dep, value] of Object.entries({ ...entry?.optionalDependencies, ...entry?.dependencies })) {
        const ref = refOf(value);
        const key = ref === undefined ? undefined : keyForRef(dep, ref);
        if (key !== undefined && !seen.has(key)) {
          seen.add(key);
          queue.push(key);
        }
      }
    }
    return seen;
  };
  const stripPeers = (k: string): string => (k.includes('(') ? k.slice(0, k.indexOf('(')) : k);
  const prod = new Set([...reach(roots.prod)].map(stripPeers));
  const optional = new Set([...reach(roots.optional)].map(stripPeers));
  const dev = new Set([...reach(roots.dev)].map(stripPeers));
  const scopes = new Map<string, DependencyScope>();
  for (const k of dev) scopes.set(k, 'dev');
  for (const k of optional) scopes.set(k, 'optional');
  for (const k of prod) scopes.set(k, 'prod');
  return scopes;
}

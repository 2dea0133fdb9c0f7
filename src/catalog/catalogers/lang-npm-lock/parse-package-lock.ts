import path from 'node:path';
import { z } from 'zod';
import type { FileEntry } from '../../../image/file-tree.js';
import type { CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { isJsonObject } from '../../../domain/json-object.js';
import { locationOf, parseJsonText, validate } from '../lang-shared/index.js';
import { npmPackageDraft, npmScope, splitNpmVersion } from '../lang-npm/index.js';

const MAX_CHARS = 128 * 1024 * 1024;
/** npm never nests v1 "dependencies" this deep; deeper is a hostile file. */
const MAX_V1_DEPTH = 200;

const depMap = z.record(z.string(), z.unknown()).optional();

export const v2Entry = z.looseObject({
  name: z.string().optional(),
  version: z.string().optional(),
  resolved: z.string().optional(),
  link: z.boolean().optional(),
  dev: z.boolean().optional(),
  optional: z.boolean().optional(),
  devOptional: z.boolean().optional(),
  peer: z.boolean().optional(),
  license: z.unknown().optional(),
  dependencies: depMap,
  optionalDependencies: depMap,
  peerDependencies: depMap,
});

interface V1Entry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  requires?: Record<string, unknown>;
  dependencies?: Record<string, V1Entry>;
}
const v1Entry: z.ZodType<V1Entry> = z.lazy(() =>
  z.looseObject({
    version: z.string().optional(),
    dev: z.boolean().optional(),
    optional: z.boolean().optional(),
    requires: z.record(z.string(), z.unknown()).optional(),
    dependencies: z.record(z.string(), v1Entry).optional(),
  }),
);

export const lockfile = z.looseObject({
  lockfileVersion: z.number().optional(),
  packages: z.record(z.string(), z.unknown()).optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
});

const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const optionalBoolean = (v: unknown): boolean => v === undefined || typeof v === 'boolean';
const optionalRecord = (v: unknown): boolean => v === undefined || isJsonObject(v);

/**
 * The hand-written twins of v2Entry and lockfile, for the hot path (a lockfile
 * has thousands of entries): true means zod would accept the value and give
 * back an equal one, so it is used as is; false leaves the verdict to zod.
 */
export function isV2EntryShape(v: unknown): v is z.infer<typeof v2Entry> {
  return (
    isJsonObject(v) &&
    optionalString(v['name']) &&
    optionalString(v['version']) &&
    optionalString(v['resolved']) &&
    optionalBoolean(v['link']) &&
    optionalBoolean(v['dev']) &&
    optionalBoolean(v['optional']) &&
    optionalBoolean(v['devOptional']) &&
    optionalBoolean(v['peer']) &&
    optionalRecord(v['dependencies']) &&
    optionalRecord(v['optionalDependencies']) &&
    optionalRecord(v['peerDependencies'])
  );
}

export function isLockfileShape(v: unknown): boolean {
  return (
    isJsonObject(v) &&
    (v['lockfileVersion'] === undefined || (typeof v['lockfileVersion'] === 'number' && Number.isFinite(v['lockfileVersion']))) &&
    optionalRecord(v['packages']) &&
    optionalRecord(v['dependencies'])
  );
}

function licensesOf(value: unknown): string[] {
  if (typeof value === 'string' && value !== '') return [value];
  return [];
}

/**
 * package-lock.json / npm-shrinkwrap.json, lockfile versions 1 to 3. From v2
 * on the flat "packages" map (keyed by install path) is authoritative; v1 has
 * only the nested "dependencies" tree.
 */
export function parsePackageLock(text: string, file: FileEntry): CatalogResult {
  if (text.trim() === '') return { packages: [] };
  const doc = validate(lockfile, parseJsonText(text, MAX_CHARS), 'package-lock.json', isLockfileShape);
  return doc.packages !== undefined ? parseV2(doc.packages, file) : parseV1(doc.dependencies ?? {}, file);
}

function parseV2(entries: Record<string, unknown>, file: FileEntry): CatalogResult {
  const packages: PackageDraft[] = [];
  const relationships: RelationshipDraft[] = [];
  const byPath = new Map<string, z.infer<typeof v2Entry>>();
  for (const [installPath, raw] of Object.entries(entries)) {
    if (installPath === '') continue;
    const parsed = isV2EntryShape(raw) ? { success: true as const, data: raw } : v2Entry.safeParse(raw);
    // A link points at a workspace folder that has its own entry; an entry with
    // neither version nor source describes nothing installed.
    if (!parsed.success || parsed.data.link) continue;
    if (parsed.data.version === undefined && parsed.data.resolved === undefined) continue;
    byPath.set(installPath, parsed.data);
  }
  const location = locationOf(file);
  for (const [installPath, entry] of byPath) {
    const folder = installPath.lastIndexOf('node_modules/');
    const pathName = folder >= 0 ? installPath.slice(folder + 'node_modules/'.length) : path.posix.basename(installPath);
    const split = splitNpmVersion(entry.version ?? entry.resolved ?? '');
    const name = entry.name ?? split.aliasOf ?? pathName;
    const scope = npmScope(entry);
    const commit = split.commit ?? (entry.resolved !== undefined ? splitNpmVersion(entry.resolved).commit : undefined);
    packages.push(
      npmPackageDraft({
        name,
        version: split.version,
        location,
        key: installPath,
        ...(scope !== undefined ? { scope } : {}),
        licenses: licensesOf(entry.license),
        metadata: {
          ...(split.resolved !== undefined ? { resolved: split.resolved } : {}),
          ...(commit !== undefined ? { commit } : {}),
          ...(name !== pathName ? { alias: pathName } : {}),
        },
      }),
    );
    const deps = { ...entry.peerDependencies, ...entry.optionalDependencies, ...entry.dependencies };
    for (const dep of Object.keys(deps)) {
      const target = resolveInstallPath(installPath, dep, byPath);
      if (target !== undefined) relationships.push({ from: installPath, to: target, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}

/** An install path without empty segments ('node_modules/a/node_modules/@s/b'), whose parent is the text before its last '/'. */
const PLAIN_INSTALL_PATH = /^[^/]+(?:\/[^/]+)*$/;

/**
 * Node's lookup: the package's own node_modules first, then each parent's.
 * For a plain install path (every key npm writes), cutting at the last '/'
 * is what path.posix.dirname answers, without its call per level.
 */
function resolveInstallPath(from: string, dep: string, known: ReadonlyMap<string, unknown>): string | undefined {
  if (!PLAIN_INSTALL_PATH.test(from)) return resolveInstallPathPosix(from, dep, known);
  let dir = from;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${dep}`;
    if (known.has(candidate)) return candidate;
    if (dir === '') return undefined;
    const slash = dir.lastIndexOf('/');
    const parent = slash < 0 ? '' : dir.slice(0, slash);
    dir = parent === '.' ? '' : parent;
  }
}

function resolveInstallPathPosix(from: string, dep: string, known: ReadonlyMap<string, unknown>): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${dep}`;
    if (known.has(candidate)) return candidate;
    if (dir === '') return undefined;
    const parent = path.posix.dirname(dir);
    const next = parent === '.' ? '' : parent;
    // '/' is its own parent: a key such as '/x' (no npm writes one) would otherwise loop forever.
    if (next === dir) return undefined;
    dir = next;
  }
}

function parseV1(dependencies: Record<string, unknown>, file: FileEntry): CatalogResult {
  const packages: PackageDraft[] = [];
  const relationships: RelationshipDraft[] = [];
  const location = locationOf(file);
  // Each frame is one level of nesting: the names installed there, by key.
  type Frame = ReadonlyMap<string, string>;
  const walk = (deps: Record<string, unknown>, chain: string, scopes: readonly Frame[], depth: number): void => {
    if (depth > MAX_V1_DEPTH) throw new Error(`dependencies nest deeper than ${MAX_V1_DEPTH} levels`);
    const entries: [string, V1Entry, string][] = [];
    const frame = new Map<string, string>();
    for (const [name, raw] of Object.entries(deps)) {
      const parsed = v1Entry.safeParse(raw);
      if (!parsed.success) continue;
      const key = `${chain}/node_modules/${name}`;
      frame.set(name, key);
      entries.push([name, parsed.data, key]);
    }
    const visible = [frame, ...scopes];
    for (const [pathName, entry, key] of entries) {
      if (entry.version !== undefined) {
        const split = splitNpmVersion(entry.version);
        const name = split.aliasOf ?? pathName;
        const scope = npmScope({ dev: entry.dev === true, optional: entry.optional === true });
        packages.push(
          npmPackageDraft({
            name,
            version: split.version,
            location,
            key,
            ...(scope !== undefined ? { scope } : {}),
            metadata: {
              ...(split.resolved !== undefined ? { resolved: split.resolved } : {}),
              ...(split.commit !== undefined ? { commit: split.commit } : {}),
              ...(name !== pathName ? { alias: pathName } : {}),
            },
          }),
        );
      }
      const childFrames = entry.dependencies ? [] : visible;
      if (entry.dependencies) walk(entry.dependencies, key, visible, depth + 1);
      // requires are resolved from the entry's own nested installs outward.
      const ownFrame = entry.dependencies
        ? new Map(Object.keys(entry.dependencies).map((n) => [n, `${key}/node_modules/${n}`]))
        : undefined;
      const lookup = ownFrame ? [ownFrame, ...visible] : childFrames;
      for (const required of Object.keys(entry.requires ?? {})) {
        const target = lookup.map((f) => f.get(required)).find((k) => k !== undefined);
        if (target !== undefined) relationships.push({ from: key, to: target, type: 'depends-on' });
      }
    }
  };
  walk(dependencies, '', [], 0);
  return { packages, relationships };
}

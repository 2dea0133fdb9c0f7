import path from 'node:path';
import type { CatalogResult, Cataloger, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { locationOf, readSelectedText } from '../lang-shared/index.js';
import { npmPackageDraft } from '../lang-npm/index.js';
import { HIDDEN_LOCKFILE, hiddenLockfileScopes } from './hidden-lockfile.js';
import { installedPackageDir } from './installed-package-path.js';
import { parsePackageJson, type InstalledManifest } from './parse-package-json.js';

const NAME = 'lang/npm-installed';

export const npmInstalledCataloger: Cataloger = {
  name: NAME,
  version: 2,
  ecosystems: ['npm'],
  reads: [
    'node_modules/<name>/package.json and node_modules/@scope/<name>/package.json, at any depth',
    'node_modules/.package-lock.json (npm\'s record of which installed packages are dev dependencies)',
  ],
  selects: (p) => installedPackageDir(p) !== undefined || p.endsWith(HIDDEN_LOCKFILE),
  selectsOnly: { names: ['package.json', '.package-lock.json'] },
  async catalog(ctx): Promise<CatalogResult> {
    const installed = new Map<string, InstalledManifest>();
    const packages: PackageDraft[] = [];
    const scopes = await hiddenLockfileScopes(ctx, (message, path) => ctx.warn(`${NAME}: ${message}`, path));
    for (const file of ctx.files) {
      const where = installedPackageDir(file.path);
      if (where === undefined || file.type === 'dir' || file.type === 'other') continue;
      let manifest: InstalledManifest | undefined;
      try {
        manifest = parsePackageJson(await readSelectedText(ctx, file, 4 * 1024 * 1024));
      } catch (error) {
        ctx.warn(`${NAME}: ${(error as Error).message}`, file.path);
        continue;
      }
      if (manifest === undefined) continue;
      installed.set(where.dir, manifest);
      const scope = scopes.get(where.dir);
      packages.push(
        npmPackageDraft({
          name: manifest.name,
          version: manifest.version,
          location: locationOf(file),
          key: where.dir,
          licenses: manifest.licenses,
          ...(scope ? { scope } : {}),
        }),
      );
    }
    const relationships: RelationshipDraft[] = [];
    for (const [dir, manifest] of installed) {
      for (const dep of manifest.requires) {
        const target = resolveFrom(dir, dep, installed);
        if (target !== undefined && target !== dir) relationships.push({ from: dir, to: target, type: 'depends-on' });
      }
    }
    return { packages, relationships };
  },
};

/** A plain package name ('ms', '@types/node'): joined to a directory by concatenation, as path.posix.join would. */
const PLAIN_NAME = /^(?:@[^/]+\/)?[^/]+$/;
/** A '.' or '..' segment, which path.posix would fold away. */
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/**
 * Node's module lookup: <dir>/node_modules/<dep>, then each ancestor's node_modules.
 * For a plain name and a directory without '.' or '..' segments (an absolute path
 * of the tree, without empty segments either), string operations give
 * path.posix's answers without its normalizing pass over every candidate;
 * anything else goes through path.posix.
 */
function resolveFrom(dir: string, dep: string, installed: ReadonlyMap<string, unknown>): string | undefined {
  if (!PLAIN_NAME.test(dep) || dep.startsWith('.') || dep.includes('/.') || DOT_SEGMENT.test(dir)) return resolveFromPosix(dir, dep, installed);
  let current = dir;
  for (;;) {
    const slash = current.lastIndexOf('/');
    if (current.slice(slash + 1) !== 'node_modules') {
      const candidate = current === '/' ? `/node_modules/${dep}` : `${current}/node_modules/${dep}`;
      if (installed.has(candidate)) return candidate;
    }
    if (current === '/') return undefined;
    current = slash === 0 ? '/' : current.slice(0, slash);
  }
}

function resolveFromPosix(dir: string, dep: string, installed: ReadonlyMap<string, unknown>): string | undefined {
  let current = dir;
  for (;;) {
    if (path.posix.basename(current) !== 'node_modules') {
      const candidate = path.posix.join(current, 'node_modules', dep);
      if (installed.has(candidate)) return candidate;
    }
    if (current === '/') return undefined;
    current = path.posix.dirname(current);
  }
}

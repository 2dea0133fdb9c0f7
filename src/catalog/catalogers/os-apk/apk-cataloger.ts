/**
 * The apk cataloger: packages installed with apk-tools (Alpine, Wolfi,
 * Chainguard, postmarketOS, …) from the installed database, with depends-on
 * edges resolved through package names and `p:` provides.
 */
import type { Distro } from '../../../domain/distro.js';
import type { PackageLocation } from '../../../domain/package.js';
import { formatPurl } from '../../../domain/purl.js';
import type { CatalogContext, CatalogResult, Cataloger, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { detectDistro } from '../../distro/detect-distro.js';
import { distroQualifier } from '../../distro/distro-qualifier.js';
import { parseApkInstalled, type ApkEntry } from './parse-apk-installed.js';

/** /usr/lib is where apk-tools 3 and usrmerged images (Wolfi) keep it. */
const DATABASES: ReadonlySet<string> = new Set(['/lib/apk/db/installed', '/usr/lib/apk/db/installed']);

export const apkCataloger: Cataloger = {
  name: 'os/apk',
  version: 1,
  ecosystems: ['apk'],
  reads: [...DATABASES],
  selects: (path) => DATABASES.has(path),
  selectsOnly: { names: ['installed'] },
  async catalog(ctx: CatalogContext): Promise<CatalogResult> {
    const packages: PackageDraft[] = [];
    const relationships: RelationshipDraft[] = [];
    let distro: Distro | undefined = ctx.distro;
    let distroKnown = distro !== undefined;
    const seenPaths = new Set<string>();
    for (const file of ctx.files) {
      if (!DATABASES.has(file.path)) continue;
      // /lib → /usr/lib symlinks make both paths name one database.
      const canonical = ctx.tree.resolve(file.path) ?? file.path;
      if (seenPaths.has(canonical)) continue;
      seenPaths.add(canonical);
      let text: string;
      try {
        text = (await ctx.tree.read(file.path, ctx.maxFileBytes)).toString('utf8');
      } catch (error) {
        ctx.warn(`cannot read apk database: ${error instanceof Error ? error.message : String(error)}`, file.path);
        continue;
      }
      const database = parseApkInstalled(text);
      for (const problem of database.problems) {
        ctx.warn(`skipped apk database entry at line ${problem.line}: ${problem.message}`, file.path);
      }
      if (database.entries.length === 0) continue;
      if (!distroKnown) {
        distro = await detectDistro(ctx.tree);
        distroKnown = true;
      }
      const location: PackageLocation = file.layer === undefined ? { path: file.path } : { path: file.path, layer: file.layer };
      const keyOf = (index: number): string => `${file.path}#${index}`;
      database.entries.forEach((entry, index) => {
        const draft = toDraft(entry, keyOf(index), distro, location);
        packages.push(entry.files.length > 0 ? { ...draft, files: entry.files } : draft);
      });
      relationships.push(...dependencyEdges(database.entries, keyOf));
    }
    return { packages, relationships };
  },
};

function toDraft(entry: ApkEntry, key: string, distro: Distro | undefined, location: PackageLocation): PackageDraft {
  const qualifier = distroQualifier(distro);
  const metadata: Record<string, string | number> = {};
  if (entry.origin !== undefined) metadata.origin = entry.origin;
  if (entry.maintainer !== undefined) metadata.maintainer = entry.maintainer;
  if (entry.buildTime !== undefined) metadata.buildTime = entry.buildTime;
  if (entry.commit !== undefined) metadata.commit = entry.commit;
  if (entry.checksum !== undefined) metadata.checksum = entry.checksum;
  if (entry.url !== undefined) metadata.url = entry.url;
  if (entry.size !== undefined) metadata.size = entry.size;
  if (entry.installedSize !== undefined) metadata.installedSize = entry.installedSize;
  return {
    key,
    ecosystem: 'apk',
    name: entry.name,
    version: entry.version,
    purl: formatPurl({
      type: 'apk',
      namespace: distro?.id ?? 'alpine',
      name: entry.name,
      version: entry.version,
      qualifiers: { arch: entry.arch, distro: qualifier },
    }),
    ...(entry.arch !== undefined ? { arch: entry.arch } : {}),
    // Subpackages share their origin's version: apk builds them together.
    source: { name: entry.origin ?? entry.name, version: entry.version },
    ...(qualifier !== undefined ? { distro: qualifier } : {}),
    licenses: entry.license === undefined ? [] : [entry.license],
    locations: [location],
    confidence: 'high',
    metadata,
  };
}

/** 'so:libc.musl-x86_64.so.1', 'busybox=1.36.1-r15', 'pc:foo>=2' → the name apk resolves. */
function dependencyName(token: string): string {
  return token.split(/[<>=~]/, 1)[0] ?? token;
}

function dependencyEdges(entries: readonly ApkEntry[], keyOf: (index: number) => string): RelationshipDraft[] {
  const byName = new Map<string, number>();
  const providers = new Map<string, number[]>();
  entries.forEach((entry, index) => {
    if (!byName.has(entry.name)) byName.set(entry.name, index);
    for (const token of entry.provides) {
      const name = dependencyName(token);
      providers.set(name, [...(providers.get(name) ?? []), index]);
    }
  });

  const edges: RelationshipDraft[] = [];
  entries.forEach((entry, index) => {
    const targets = new Set<number>();
    for (const token of entry.depends) {
      if (token.startsWith('!')) continue; // a conflict, not a dependency
      const name = dependencyName(token);
      // An installed package of that exact name satisfies it; otherwise any provider may.
      const exact = byName.get(name);
      for (const to of exact !== undefined ? [exact] : (providers.get(name) ?? [])) if (to !== index) targets.add(to);
    }
    for (const to of targets) edges.push({ from: keyOf(index), to: keyOf(to), type: 'depends-on' });
  });
  return edges;
}

/**
 * The rpm cataloger: installed RPMs from the rpm database in any of its three
 * formats (SQLite rpmdb.sqlite, Berkeley DB Packages, NDB Packages.db), at
 * /var/lib/rpm or /usr/lib/sysimage/rpm. Headers are parsed here, without
 * the rpm binary; gpg-pubkey pseudo-packages are skipped.
 */
import type { Distro } from '../../../domain/distro.js';
import type { PackageLocation } from '../../../domain/package.js';
import { formatPurl } from '../../../domain/purl.js';
import type { CatalogContext, CatalogResult, Cataloger, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { detectDistro } from '../../distro/detect-distro.js';
import { distroQualifier } from '../../distro/distro-qualifier.js';
import { parseSourceRpm } from './parse-source-rpm.js';
import { rpmDependencyEdges, type RpmNode } from './rpm-dependency-edges.js';
import { rpmFileNames } from './rpm-file-names.js';
import { readBdbRpmdb } from './read-bdb-rpmdb.js';
import { readNdbRpmdb } from './read-ndb-rpmdb.js';
import { readSqliteRpmdb } from './read-sqlite-rpmdb.js';
import { parseRpmHeader, type RpmHeader } from './rpm-header.js';
import { rpmPurlNamespace } from './rpm-purl-namespace.js';
import { rpmVersionString, toRpmPackage, type RpmPackage } from './rpm-package.js';

/** /usr/share/rpm is where some older images keep it (syft looks there too). */
const DB_DIRS = ['/var/lib/rpm/', '/usr/lib/sysimage/rpm/', '/usr/share/rpm/'] as const;
const DB_FILES = ['rpmdb.sqlite', 'Packages.db', 'Packages'] as const;
type DbFormat = 'sqlite' | 'ndb' | 'bdb';
const FORMAT: Readonly<Record<(typeof DB_FILES)[number], DbFormat>> = {
  'rpmdb.sqlite': 'sqlite',
  'Packages.db': 'ndb',
  Packages: 'bdb',
};

function databaseFormat(path: string): DbFormat | undefined {
  for (const dir of DB_DIRS) {
    if (!path.startsWith(dir)) continue;
    const name = path.slice(dir.length);
    if (name in FORMAT) return FORMAT[name as keyof typeof FORMAT];
  }
  return undefined;
}

export const rpmCataloger: Cataloger = {
  name: 'os/rpm',
  version: 1,
  ecosystems: ['rpm'],
  reads: DB_DIRS.flatMap((dir) => DB_FILES.map((file) => `${dir}${file}`)),
  selects: (path) => databaseFormat(path) !== undefined,
  selectsOnly: { names: DB_FILES },
  async catalog(ctx: CatalogContext): Promise<CatalogResult> {
    const packages: PackageDraft[] = [];
    const relationships: RelationshipDraft[] = [];
    // An image has one rpm database; when several files are present (an upgraded
    // system keeps a stale Packages beside rpmdb.sqlite) the newest format wins.
    const files = [...ctx.files]
      .filter((f) => databaseFormat(f.path) !== undefined)
      .sort((a, b) => rank(databaseFormat(a.path)) - rank(databaseFormat(b.path)));
    for (const file of files) {
      const format = databaseFormat(file.path) as DbFormat;
      const blobs = await readDatabase(ctx, file.path, format);
      if (blobs === undefined) continue;
      const distro = ctx.distro ?? (await detectDistro(ctx.tree));
      const location: PackageLocation = file.layer === undefined ? { path: file.path } : { path: file.path, layer: file.layer };
      const parsed: { key: string; header: RpmHeader; pkg: RpmPackage }[] = [];
      blobs.forEach((blob, index) => {
        try {
          const header = parseRpmHeader(blob);
          const pkg = toRpmPackage(header);
          if (pkg.name !== 'gpg-pubkey') parsed.push({ key: `${file.path}#${index}`, header, pkg });
        } catch (error) {
          ctx.warn(`skipped rpm header #${index + 1}: ${error instanceof Error ? error.message : String(error)}`, file.path);
        }
      });
      for (const { key, header, pkg } of parsed) {
        const draft = toDraft(pkg, distro, location, key);
        let files: string[] = [];
        try {
          files = rpmFileNames(header);
        } catch (error) {
          ctx.warn(`rpm ${pkg.name}: ${error instanceof Error ? error.message : String(error)}`, file.path);
        }
        packages.push(files.length > 0 ? { ...draft, files } : draft);
      }
      relationships.push(...rpmDependencyEdges(toNodes(parsed, ctx, file.path)));
      break;
    }
    return { packages, relationships };
  },
};

/** File lists are read only for paths some package requires: most requirements are names. */
function toNodes(parsed: readonly { key: string; header: RpmHeader; pkg: RpmPackage }[], ctx: CatalogContext, path: string): RpmNode[] {
  const requiredPaths = new Set(parsed.flatMap(({ pkg }) => pkg.requires.filter((name) => name.startsWith('/'))));
  return parsed.map(({ key, header, pkg }) => {
    let requiredFiles: string[] = [];
    if (requiredPaths.size > 0) {
      try {
        requiredFiles = rpmFileNames(header).filter((file) => requiredPaths.has(file));
      } catch (error) {
        ctx.warn(`rpm ${pkg.name}: ${error instanceof Error ? error.message : String(error)}`, path);
      }
    }
    return { key, provides: pkg.provides, requires: pkg.requires, requiredFiles };
  });
}

function rank(format: DbFormat | undefined): number {
  return format === 'sqlite' ? 0 : format === 'ndb' ? 1 : 2;
}

async function readDatabase(ctx: CatalogContext, path: string, format: DbFormat): Promise<Buffer[] | undefined> {
  try {
    const file = await ctx.tree.read(path, ctx.maxFileBytes);
    if (format === 'sqlite') return readSqliteRpmdb(file);
    const result = format === 'ndb' ? readNdbRpmdb(file) : readBdbRpmdb(file);
    for (const problem of result.problems) ctx.warn(`rpm database: ${problem}`, path);
    return result.blobs;
  } catch (error) {
    ctx.warn(`cannot read rpm database: ${error instanceof Error ? error.message : String(error)}`, path);
    return undefined;
  }
}

function toDraft(pkg: RpmPackage, distro: Distro | undefined, location: PackageLocation, key: string): PackageDraft {
  const qualifier = distroQualifier(distro);
  const source = pkg.sourceRpm === undefined ? undefined : parseSourceRpm(pkg.sourceRpm);
  const namespace = rpmPurlNamespace(distro, pkg.vendor);
  const metadata: Record<string, string | number> = { release: pkg.release };
  if (pkg.epoch !== undefined) metadata.epoch = pkg.epoch;
  if (pkg.sourceRpm !== undefined) metadata.sourceRpm = pkg.sourceRpm;
  if (pkg.vendor !== undefined && pkg.vendor !== '') metadata.vendor = pkg.vendor;
  if (pkg.size !== undefined) metadata.size = pkg.size;
  if (pkg.modularityLabel !== undefined && pkg.modularityLabel !== '') metadata.modularityLabel = pkg.modularityLabel;
  return {
    key,
    ecosystem: 'rpm',
    name: pkg.name,
    version: rpmVersionString(pkg),
    purl: formatPurl({
      type: 'rpm',
      ...(namespace !== undefined ? { namespace } : {}),
      name: pkg.name,
      version: `${pkg.version}-${pkg.release}`,
      qualifiers: { arch: pkg.arch, epoch: pkg.epoch?.toString(), distro: qualifier },
    }),
    ...(pkg.arch !== undefined ? { arch: pkg.arch } : {}),
    // A source RPM's file name carries no epoch; binaries built from it share the spec's epoch.
    ...(source !== undefined
      ? { source: { name: source.name, version: `${pkg.epoch !== undefined ? `${pkg.epoch}:` : ''}${source.version}-${source.release}` } }
      : {}),
    ...(qualifier !== undefined ? { distro: qualifier } : {}),
    licenses: pkg.license === undefined || pkg.license === '' ? [] : [pkg.license],
    locations: [location],
    confidence: 'high',
    metadata,
  };
}

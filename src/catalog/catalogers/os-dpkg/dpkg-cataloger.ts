/**
 * The dpkg cataloger: installed Debian packages from /var/lib/dpkg/status and
 * distroless /var/lib/dpkg/status.d/ entries, with licenses from DEP-5
 * copyright files and depends-on edges among installed packages.
 */
import type { Distro } from '../../../domain/distro.js';
import type { PackageLocation } from '../../../domain/package.js';
import { formatPurl } from '../../../domain/purl.js';
import type { CatalogContext, CatalogResult, Cataloger, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { detectDistro } from '../../distro/detect-distro.js';
import { distroQualifier } from '../../distro/distro-qualifier.js';
import { toDpkgEntry, type DpkgEntry } from './dpkg-entry.js';
import { parseCopyrightLicenses } from './parse-copyright-licenses.js';
import { parseDeb822 } from './parse-deb822.js';

const STATUS_FILE = '/var/lib/dpkg/status';
const STATUS_DIR = '/var/lib/dpkg/status.d/';
/** Maintainer-script and checksum files that distroless images keep beside the entries. */
const STATUS_D_COMPANIONS = /\.(md5sums|preinst|postinst|prerm|postrm|conffiles|list|triggers|shlibs|symbols|templates|config)$/;
const COPYRIGHT = /^\/usr\/share\/doc\/[^/]+\/copyright$/;
/** dpkg's per-package file lists: what each package installed (name.list or name:arch.list). */
const FILE_LIST = /^\/var\/lib\/dpkg\/info\/[^/]+\.list$/;
const MAX_LIST_BYTES = 16 * 1024 * 1024;
/** Copyright files beyond this are not worth reading for a few license names. */
const MAX_COPYRIGHT_BYTES = 4 * 1024 * 1024;

function isStatusPath(path: string): boolean {
  if (path === STATUS_FILE) return true;
  if (!path.startsWith(STATUS_DIR)) return false;
  const name = path.slice(STATUS_DIR.length);
  return name !== '' && !name.includes('/') && !name.startsWith('.') && !STATUS_D_COMPANIONS.test(name);
}

interface Located {
  readonly entry: DpkgEntry;
  readonly location: PackageLocation;
}

export const dpkgCataloger: Cataloger = {
  name: 'os/dpkg',
  version: 1,
  ecosystems: ['deb'],
  reads: ['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/*', '/var/lib/dpkg/info/*.list', '/usr/share/doc/*/copyright'],
  selects: (path) => isStatusPath(path) || COPYRIGHT.test(path) || FILE_LIST.test(path),
  async catalog(ctx: CatalogContext): Promise<CatalogResult> {
    const located: Located[] = [];
    const seen = new Set<string>();
    for (const file of ctx.files) {
      if (!isStatusPath(file.path)) continue;
      for (const item of await readStatusFile(ctx, file.path, file.layer)) {
        const key = entryKey(item.entry);
        if (seen.has(key)) continue;
        seen.add(key);
        located.push(item);
      }
    }
    if (located.length === 0) return { packages: [] };

    const distro = ctx.distro ?? (await detectDistro(ctx.tree));
    const packages: PackageDraft[] = [];
    for (const { entry, location } of located) {
      const copyright = await readLicenses(ctx, entry.name);
      const draft = toDraft(entry, distro, [location, ...(copyright?.location ? [copyright.location] : [])], copyright?.licenses ?? []);
      const files = await readFileList(ctx, entry);
      packages.push(files ? { ...draft, files } : draft);
    }
    return { packages, relationships: dependencyEdges(located.map((l) => l.entry)) };
  },
};

async function readStatusFile(ctx: CatalogContext, path: string, layer: string | undefined): Promise<Located[]> {
  let text: string;
  try {
    text = (await ctx.tree.read(path, ctx.maxFileBytes)).toString('utf8');
  } catch (error) {
    ctx.warn(`cannot read dpkg status: ${message(error)}`, path);
    return [];
  }
  const document = parseDeb822(text);
  for (const problem of document.problems) ctx.warn(`skipped malformed dpkg entry at line ${problem.line}: ${problem.message}`, path);
  const location: PackageLocation = layer === undefined ? { path } : { path, layer };
  const out: Located[] = [];
  for (const paragraph of document.paragraphs) {
    const result = toDpkgEntry(paragraph, path === STATUS_FILE);
    if (result.kind === 'installed') out.push({ entry: result.entry, location });
    else if (result.kind === 'invalid') ctx.warn(`skipped dpkg entry at line ${paragraph.line}: ${result.reason}`, path);
  }
  return out;
}

async function readLicenses(
  ctx: CatalogContext,
  name: string,
): Promise<{ licenses: string[]; location?: PackageLocation } | undefined> {
  const path = `/usr/share/doc/${name}/copyright`;
  if (!ctx.tree.readable(path)) return undefined;
  let text: string;
  try {
    text = (await ctx.tree.read(path, Math.min(ctx.maxFileBytes, MAX_COPYRIGHT_BYTES))).toString('utf8');
  } catch (error) {
    ctx.warn(`cannot read copyright file: ${message(error)}`, path);
    return undefined;
  }
  const layer = ctx.tree.get(path)?.layer;
  return { licenses: parseCopyrightLicenses(text), location: layer === undefined ? { path } : { path, layer } };
}

/** The package's installed paths, plus the list file itself (rewritten by every install or upgrade of it). */
async function readFileList(ctx: CatalogContext, entry: DpkgEntry): Promise<string[] | undefined> {
  for (const path of [`/var/lib/dpkg/info/${entry.name}:${entry.arch ?? ''}.list`, `/var/lib/dpkg/info/${entry.name}.list`]) {
    if (!ctx.tree.readable(path)) continue;
    try {
      const text = (await ctx.tree.read(path, Math.min(ctx.maxFileBytes, MAX_LIST_BYTES))).toString('utf8');
      return listedPaths(text, [path]);
    } catch (error) {
      ctx.warn(`cannot read dpkg file list: ${message(error)}`, path);
    }
  }
  return undefined;
}

/**
 * Appends to `paths` the lines of a .list file that are paths, except '/.' (the root every package lists):
 * text.split('\n').filter(...) without an array of every line in between, as an image's
 * lists hold tens of thousands of lines.
 */
function listedPaths(text: string, paths: string[]): string[] {
  for (let from = 0; from < text.length; ) {
    let end = text.indexOf('\n', from);
    if (end < 0) end = text.length;
    if (text.charCodeAt(from) === 0x2f && !(end - from === 2 && text.charCodeAt(from + 1) === 0x2e)) paths.push(text.slice(from, end));
    from = end + 1;
  }
  return paths;
}

function toDraft(entry: DpkgEntry, distro: Distro | undefined, locations: PackageLocation[], licenses: string[]): PackageDraft {
  const qualifier = distroQualifier(distro);
  const sourceDiffers = entry.sourceName !== entry.name || entry.sourceVersion !== entry.version;
  const upstream = !sourceDiffers
    ? undefined
    : entry.sourceVersion !== entry.version
      ? `${entry.sourceName}@${entry.sourceVersion}`
      : entry.sourceName;
  return {
    key: entryKey(entry),
    ecosystem: 'deb',
    name: entry.name,
    version: entry.version,
    purl: formatPurl({
      type: 'deb',
      namespace: distro?.id ?? 'debian',
      name: entry.name,
      version: entry.version,
      qualifiers: { arch: entry.arch, distro: qualifier, upstream },
    }),
    ...(entry.arch !== undefined ? { arch: entry.arch } : {}),
    source: { name: entry.sourceName, version: entry.sourceVersion },
    ...(qualifier !== undefined ? { distro: qualifier } : {}),
    licenses,
    locations,
    confidence: 'high',
    metadata: {
      ...(entry.maintainer !== undefined ? { maintainer: entry.maintainer } : {}),
      ...(entry.installedSize !== undefined ? { installedSizeKiB: entry.installedSize } : {}),
    },
  };
}

/**
 * Depends and Pre-Depends edges among installed packages. Every installed
 * alternative of a group counts (any of them may be what satisfies it), and a
 * virtual name resolves to each installed package that Provides it.
 */
function dependencyEdges(entries: readonly DpkgEntry[]): RelationshipDraft[] {
  const byName = new Map<string, string[]>();
  const add = (name: string, key: string): void => {
    const keys = byName.get(name) ?? [];
    if (!keys.includes(key)) keys.push(key);
    byName.set(name, keys);
  };
  for (const entry of entries) add(entry.name, entryKey(entry));
  for (const entry of entries) for (const provided of entry.provides) add(provided, entryKey(entry));

  const edges: RelationshipDraft[] = [];
  for (const entry of entries) {
    const from = entryKey(entry);
    const targets = new Set<string>();
    for (const group of entry.depends) {
      for (const name of group) for (const to of byName.get(name) ?? []) if (to !== from) targets.add(to);
    }
    for (const to of targets) edges.push({ from, to, type: 'depends-on' });
  }
  return edges;
}

/** Multi-arch packages share a name; name and architecture identify one. */
function entryKey(entry: DpkgEntry): string {
  return `${entry.name}:${entry.arch ?? ''}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

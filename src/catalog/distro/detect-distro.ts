/**
 * Distro detection: which OS release an image is, from /etc/os-release (or
 * /usr/lib/os-release) and, for images without one, the older release files
 * (alpine-release, redhat-family *-release, lsb-release, debian_version).
 * OS package catalogers need it for purl namespaces and distro qualifiers;
 * the matchers need it to pick the right distro advisories.
 */
import type { Distro } from '../../domain/distro.js';
import type { FileTree } from '../../image/file-tree.js';
import { parseOsRelease } from './parse-os-release.js';

/** Release files are tiny; anything bigger is not one. */
const MAX_RELEASE_BYTES = 64 * 1024;

const OS_RELEASE_FILES = ['/etc/os-release', '/usr/lib/os-release'] as const;

/** Red Hat family files, most specific first: rocky also ships redhat-release. */
const REDHAT_FAMILY_FILES = [
  '/etc/rocky-release',
  '/etc/almalinux-release',
  '/etc/centos-release',
  '/etc/fedora-release',
  '/etc/oracle-release',
  '/etc/redhat-release',
] as const;

const DISTRO_FILES: ReadonlySet<string> = new Set([
  ...OS_RELEASE_FILES,
  '/etc/alpine-release',
  ...REDHAT_FAMILY_FILES,
  '/etc/lsb-release',
  '/etc/debian_version',
]);

/** Pure path predicate: the files detectDistro reads. */
export function distroSelects(path: string): boolean {
  return DISTRO_FILES.has(path);
}

export async function detectDistro(tree: FileTree): Promise<Distro | undefined> {
  for (const path of OS_RELEASE_FILES) {
    const text = await readSmall(tree, path);
    if (text === undefined) continue;
    const distro = fromOsRelease(text, path);
    if (distro) return distro;
  }
  const alpine = await readSmall(tree, '/etc/alpine-release');
  if (alpine !== undefined) {
    const version = alpine.trim().split(/\s+/)[0];
    return { id: 'alpine', ...(version ? { versionId: version } : {}), idLike: [], source: '/etc/alpine-release' };
  }
  for (const path of REDHAT_FAMILY_FILES) {
    const text = await readSmall(tree, path);
    const distro = text === undefined ? undefined : fromRedhatRelease(text, path);
    if (distro) return distro;
  }
  const lsb = await readSmall(tree, '/etc/lsb-release');
  if (lsb !== undefined) {
    const fields = parseOsRelease(lsb);
    const id = fields.get('DISTRIB_ID')?.toLowerCase();
    if (id) {
      return {
        id,
        ...optional('versionId', fields.get('DISTRIB_RELEASE')),
        ...optional('versionCodename', fields.get('DISTRIB_CODENAME')),
        ...optional('prettyName', fields.get('DISTRIB_DESCRIPTION')),
        idLike: [],
        source: '/etc/lsb-release',
      };
    }
  }
  const debian = await readSmall(tree, '/etc/debian_version');
  if (debian !== undefined) return fromDebianVersion(debian);
  return undefined;
}

function fromOsRelease(text: string, source: string): Distro | undefined {
  const fields = parseOsRelease(text);
  const id = fields.get('ID')?.toLowerCase();
  if (!id) return undefined;
  return {
    id,
    ...optional('versionId', fields.get('VERSION_ID')),
    ...optional('versionCodename', fields.get('VERSION_CODENAME')),
    ...optional('prettyName', fields.get('PRETTY_NAME')),
    idLike: (fields.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    source,
  };
}

/** e.g. 'Rocky Linux release 9.3 (Blue Onyx)', 'CentOS Linux release 7.9.2009 (Core)'. */
const RELEASE_LINE = /^(.*?)\s+release\s+(\d+(?:\.\d+)*)/i;

const REDHAT_NAMES: readonly (readonly [RegExp, string, readonly string[]])[] = [
  [/^rocky/i, 'rocky', ['rhel', 'centos', 'fedora']],
  [/^almalinux/i, 'almalinux', ['rhel', 'centos', 'fedora']],
  [/^centos stream/i, 'centos', ['rhel', 'fedora']],
  [/^centos/i, 'centos', ['rhel', 'fedora']],
  [/^fedora/i, 'fedora', []],
  [/^oracle/i, 'ol', ['fedora']],
  [/^red hat/i, 'rhel', ['fedora']],
];

function fromRedhatRelease(text: string, source: string): Distro | undefined {
  const line = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  const match = RELEASE_LINE.exec(line);
  if (!match) return undefined;
  const named = REDHAT_NAMES.find(([pattern]) => pattern.test(match[1] ?? ''));
  if (!named) return undefined;
  const [, id, idLike] = named;
  let version = match[2] ?? '';
  // os-release on CentOS carries only the major ('7'), not the build ('7.9.2009').
  if (id === 'centos') version = version.split('.')[0] ?? version;
  return { id, versionId: version, prettyName: line, idLike, source };
}

/** '12.4' → debian 12 (os-release's VERSION_ID); 'bookworm/sid' → codename only. */
function fromDebianVersion(text: string): Distro {
  const value = text.trim().split(/\s+/)[0] ?? '';
  const numeric = /^(\d+)(?:\.\d+)*$/.exec(value);
  const base = { id: 'debian', idLike: [], source: '/etc/debian_version' };
  if (numeric) return { ...base, versionId: numeric[1] };
  const codename = /^([a-z]+)\//.exec(value)?.[1];
  return codename ? { ...base, versionCodename: codename } : base;
}

async function readSmall(tree: FileTree, path: string): Promise<string | undefined> {
  if (!tree.readable(path)) return undefined;
  try {
    return (await tree.read(path, MAX_RELEASE_BYTES)).toString('utf8');
  } catch {
    // An unreadable or oversized release file is the same as none: try the next.
    return undefined;
  }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value ? ({ [key]: value } as { [P in K]: string }) : {};
}

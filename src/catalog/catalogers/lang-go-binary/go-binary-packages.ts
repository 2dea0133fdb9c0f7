/**
 * Turns the build info of one Go binary into package drafts: the main module,
 * every compiled-in dependency and the Go standard library.
 *
 * Replacements: for a module-to-module `replace` the replacement path and
 * version are what was compiled, so that is what we report, with the original
 * kept in metadata (replacedPath/replacedVersion). For a replacement by a local
 * directory there is no module to report — the path is a build-machine folder —
 * so we keep the original module path with version '(devel)' and record the
 * directory in metadata, which keeps the module visible to policy by name.
 */
import type { PackageLocation } from '../../../domain/package.js';
import { formatPurl } from '../../../domain/purl.js';
import type { CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import type { GoBuildInfo } from './build-info.js';
import { goModulePurl, isLocalReplacement } from './go-module-purl.js';
import { goStdlibVersion } from './go-stdlib-version.js';
import type { GoModule } from './mod-info.js';
import { parseModInfo } from './mod-info.js';

export const DEVEL_VERSION = '(devel)';
/** Build settings copied into the main module's metadata; the rest are compiler flags of little use. */
const MAX_SETTINGS = 64;

export function goBinaryPackages(info: GoBuildInfo, location: PackageLocation): CatalogResult {
  const mod = parseModInfo(info.modInfo);
  const packages: PackageDraft[] = [];
  const relationships: RelationshipDraft[] = [];
  const base = { ecosystem: 'go' as const, licenses: [], locations: [location] };
  const goVersion = info.goVersion;

  const stdlibVersion = goStdlibVersion(goVersion);
  if (stdlibVersion) {
    packages.push({
      ...base,
      key: 'stdlib',
      name: 'stdlib',
      version: stdlibVersion,
      purl: formatPurl({ type: 'golang', name: 'stdlib', version: stdlibVersion }),
      metadata: { goVersion, goToolchain: true },
    });
  }

  let mainKey: string | undefined;
  if (mod.main) {
    const main = compiled(mod.main);
    const settings: Record<string, string> = {};
    for (const [key, value] of mod.settings.slice(0, MAX_SETTINGS)) settings[`build:${key}`] = value;
    mainKey = 'main';
    packages.push({
      ...base,
      key: mainKey,
      name: main.name,
      version: main.version,
      purl: goModulePurl(main.name, main.version),
      metadata: {
        mainModule: true,
        ...(main.version === DEVEL_VERSION ? { develVersion: true } : {}),
        ...(mod.path ? { mainPackage: mod.path } : {}),
        goVersion,
        ...main.metadata,
        ...settings,
      },
    });
    if (stdlibVersion) relationships.push({ from: mainKey, to: 'stdlib', type: 'depends-on' });
  }

  for (const [i, dep] of mod.deps.entries()) {
    const c = compiled(dep);
    const key = `dep:${i}`;
    packages.push({
      ...base,
      key,
      name: c.name,
      version: c.version,
      purl: goModulePurl(c.name, c.version),
      metadata: { goVersion, ...c.metadata },
    });
    if (mainKey) relationships.push({ from: mainKey, to: key, type: 'depends-on' });
  }
  return { packages, relationships };
}

interface Compiled {
  readonly name: string;
  readonly version: string;
  readonly metadata: Record<string, string>;
}

function compiled(m: GoModule): Compiled {
  const r = m.replace;
  if (!r) return { name: m.path, version: m.version || DEVEL_VERSION, metadata: m.sum ? { h1Digest: m.sum } : {} };
  if (isLocalReplacement(r.path)) {
    return {
      name: m.path,
      version: DEVEL_VERSION,
      metadata: { replacedBy: r.path, replacedVersion: m.version },
    };
  }
  return {
    name: r.path,
    version: r.version || DEVEL_VERSION,
    metadata: { replacedPath: m.path, replacedVersion: m.version, ...(r.sum ? { h1Digest: r.sum } : {}) },
  };
}

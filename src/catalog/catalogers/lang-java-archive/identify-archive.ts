/**
 * Names the Maven artifacts inside one Java archive (not counting nested
 * archives): every META-INF/maven/<g>/<a>/pom.properties (a shaded jar carries
 * one per bundled artifact), else the manifest's main section, else the file
 * name. Also picks the archive's own artifact, the one nested archives hang from.
 */
import { BadInputError } from '../../../domain/errors.js';
import type { Confidence, PackageLocation } from '../../../domain/package.js';
import { formatPurl } from '../../../domain/purl.js';
import type { PackageDraft } from '../../cataloger.js';
import type { ZipArchive, ZipEntry } from '../../zip/zip-archive.js';
import { splitArchiveFileName } from './archive-file-name.js';
import { parseJavaProperties } from './parse-java-properties.js';
import { parseManifestMainSection } from './parse-manifest.js';

const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;

/** Largest pom.properties and manifest read; larger ones are warned about and skipped. */
export const ARCHIVE_LIMITS = { pomPropertiesBytes: 64 * 1024, manifestBytes: 1024 * 1024 } as const;

export const isPomProperties = (name: string): boolean => POM_PROPERTIES.test(name);
export const isManifest = (name: string): boolean => name.toUpperCase() === 'META-INF/MANIFEST.MF';

export interface ArchiveIdentity {
  readonly packages: readonly PackageDraft[];
  /** Key of the archive's own artifact, when one can be told apart. */
  readonly mainKey?: string;
}

interface Gav {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
}

export function identifyArchive(
  archive: ZipArchive,
  /** '/app/x.war' or '/app/x.war!/WEB-INF/lib/y.jar'. */
  archivePath: string,
  location: PackageLocation,
  keyPrefix: string,
  warn: (message: string) => void,
): ArchiveIdentity {
  const fileName = splitArchiveFileName(archivePath);
  const draft = (gav: Gav, key: string, confidence: Confidence, metadata: Record<string, string | boolean>): PackageDraft => ({
    key,
    ecosystem: 'maven',
    name: `${gav.groupId}:${gav.artifactId}`,
    version: gav.version,
    purl: formatPurl({ type: 'maven', namespace: gav.groupId, name: gav.artifactId, version: gav.version }),
    licenses: [],
    locations: [location],
    confidence,
    metadata: { groupId: gav.groupId, artifactId: gav.artifactId, archivePath, ...metadata },
  });

  const poms: PackageDraft[] = [];
  for (const entry of archive.entries) {
    if (!isPomProperties(entry.name)) continue;
    const text = readText(archive, entry, ARCHIVE_LIMITS.pomPropertiesBytes, warn);
    if (text === undefined) continue;
    const props = parseJavaProperties(text);
    const gav = { groupId: props.get('groupId') ?? '', artifactId: props.get('artifactId') ?? '', version: props.get('version') ?? '' };
    if (!gav.groupId || !gav.artifactId || !gav.version) {
      warn(`${entry.name} lacks groupId, artifactId or version`);
      continue;
    }
    poms.push(draft(gav, `${keyPrefix}pom:${poms.length}`, 'high', { identifiedBy: 'pom.properties', pomProperties: entry.name }));
  }
  if (poms.length > 0) {
    const own =
      poms.find((p) => p.metadata?.artifactId === fileName.artifact) ??
      (poms.length === 1 ? poms[0] : poms.find((p) => fileName.artifact.startsWith(String(p.metadata?.artifactId))));
    return { packages: poms, mainKey: own?.key };
  }

  const manifestEntry = archive.entries.find((e) => isManifest(e.name));
  const manifestText = manifestEntry ? readText(archive, manifestEntry, ARCHIVE_LIMITS.manifestBytes, warn) : undefined;
  if (manifestText !== undefined) {
    const m = parseManifestMainSection(manifestText);
    const version = m.get('implementation-version') || m.get('bundle-version') || m.get('specification-version');
    const symbolic = m.get('bundle-symbolicname')?.split(';')[0]?.trim() || m.get('automatic-module-name');
    const title = m.get('implementation-title') ?? m.get('specification-title');
    const artifactId = fileName.artifact || symbolic?.split('.').pop() || (title && !/\s/.test(title) ? title : undefined);
    // The manifest rarely records a Maven groupId; the OSGi or module name is the closest stand-in.
    const recordedGroup = m.get('implementation-vendor-id');
    const groupId = recordedGroup ?? symbolic ?? artifactId;
    if (version && artifactId && groupId) {
      const key = `${keyPrefix}manifest`;
      const vendor = m.get('implementation-vendor') ?? m.get('bundle-vendor') ?? m.get('specification-vendor');
      return {
        packages: [
          draft({ groupId, artifactId, version }, key, 'medium', {
            identifiedBy: 'manifest',
            ...(recordedGroup ? {} : { groupIdGuessed: true }),
            ...(title ? { title } : {}),
            ...(vendor ? { vendor } : {}),
          }),
        ],
        mainKey: key,
      };
    }
  }

  if (fileName.version) {
    const key = `${keyPrefix}file-name`;
    const gav = { groupId: fileName.artifact, artifactId: fileName.artifact, version: fileName.version };
    return { packages: [draft(gav, key, 'low', { identifiedBy: 'file-name', groupIdGuessed: true })], mainKey: key };
  }
  return { packages: [] };
}

function readText(archive: ZipArchive, entry: ZipEntry, max: number, warn: (m: string) => void): string | undefined {
  if (entry.size > max) {
    warn(`${entry.name} is ${entry.size} bytes, over the ${max}-byte limit`);
    return undefined;
  }
  try {
    return archive.read(entry).toString('utf8');
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
    warn(error.message);
    return undefined;
  }
}

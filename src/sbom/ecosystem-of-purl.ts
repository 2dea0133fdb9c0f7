import type { Ecosystem } from '../domain/ecosystem.js';
import type { PurlParts } from '../domain/purl.js';

/** purl type → Bulkhead ecosystem, for packages read from an SBOM. */
const PURL_TYPES: Readonly<Record<string, Ecosystem>> = {
  deb: 'deb',
  apk: 'apk',
  rpm: 'rpm',
  npm: 'npm',
  pypi: 'pypi',
  golang: 'go',
  maven: 'maven',
  gem: 'gem',
  cargo: 'cargo',
  composer: 'composer',
  nuget: 'nuget',
  generic: 'binary',
};

/** The ecosystem a purl type belongs to, or undefined for types Bulkhead cannot match. */
export function ecosystemOfPurlType(type: string): Ecosystem | undefined {
  return Object.hasOwn(PURL_TYPES, type) ? PURL_TYPES[type] : undefined;
}

/**
 * The package name as the ecosystem's advisories spell it, rebuilt from a
 * purl: SBOM tools disagree on the component name (artifactId alone, npm
 * name without its scope), the purl does not.
 */
export function nativeNameOfPurl(parts: PurlParts, ecosystem: Ecosystem): string {
  const ns = parts.namespace;
  if (ns === undefined || ns === '') return parts.name;
  switch (ecosystem) {
    case 'maven':
      return `${ns}:${parts.name}`;
    case 'npm':
    case 'go':
    case 'composer':
      return `${ns}/${parts.name}`;
    default:
      // deb/apk/rpm namespaces name the vendor, not part of the package name.
      return parts.name;
  }
}

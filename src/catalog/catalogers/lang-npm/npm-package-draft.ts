import type { DependencyScope, PackageLocation } from '../../../domain/package.js';
import { formatPurl } from '../../../domain/purl.js';
import type { PackageDraft } from '../../cataloger.js';

export interface NpmPackageFacts {
  readonly name: string;
  readonly version: string;
  readonly location: PackageLocation;
  readonly key?: string;
  readonly scope?: DependencyScope;
  readonly licenses?: readonly string[];
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
}

/** An npm package draft; the purl puts '@scope' in the namespace as the purl spec asks. */
export function npmPackageDraft(facts: NpmPackageFacts): PackageDraft {
  const slash = facts.name.startsWith('@') ? facts.name.indexOf('/') : -1;
  const purl = formatPurl({
    type: 'npm',
    ...(slash > 0 ? { namespace: facts.name.slice(0, slash) } : {}),
    name: slash > 0 ? facts.name.slice(slash + 1) : facts.name,
    version: facts.version,
  });
  return {
    ecosystem: 'npm',
    name: facts.name,
    version: facts.version,
    purl,
    licenses: facts.licenses ?? [],
    locations: [facts.location],
    ...(facts.key !== undefined ? { key: facts.key } : {}),
    ...(facts.scope !== undefined ? { scope: facts.scope } : {}),
    ...(facts.metadata !== undefined && Object.keys(facts.metadata).length > 0 ? { metadata: facts.metadata } : {}),
  };
}

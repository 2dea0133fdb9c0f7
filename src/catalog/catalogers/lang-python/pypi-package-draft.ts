import type { DependencyScope, PackageLocation } from '../../../domain/package.js';
import { formatPurl } from '../../../domain/purl.js';
import type { PackageDraft } from '../../cataloger.js';

export interface PypiPackageFacts {
  /** As the project publishes it ('Pygments'); the purl carries the normalized form. */
  readonly name: string;
  readonly version: string;
  readonly location: PackageLocation;
  readonly key?: string;
  readonly scope?: DependencyScope;
  readonly licenses?: readonly string[];
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
}

/** The purl spec's pypi rule: lower case, '_' replaced by '-'. */
function purlName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

export function pypiPackageDraft(facts: PypiPackageFacts): PackageDraft {
  return {
    ecosystem: 'pypi',
    name: facts.name,
    version: facts.version,
    purl: formatPurl({ type: 'pypi', name: purlName(facts.name), version: facts.version }),
    licenses: facts.licenses ?? [],
    locations: [facts.location],
    ...(facts.key !== undefined ? { key: facts.key } : {}),
    ...(facts.scope !== undefined && facts.scope !== 'prod' ? { scope: facts.scope } : {}),
    ...(facts.metadata !== undefined && Object.keys(facts.metadata).length > 0 ? { metadata: facts.metadata } : {}),
  };
}

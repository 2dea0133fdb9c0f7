import type { PackageLocation } from '../../../domain/package.js';
import { formatPurl } from '../../../domain/purl.js';
import type { PackageDraft } from '../../cataloger.js';

export interface GemPackageFacts {
  readonly name: string;
  readonly version: string;
  readonly location: PackageLocation;
  readonly key?: string;
  /** A binary gem's platform ('x86_64-linux'); 'ruby' means the plain source gem. */
  readonly platform?: string;
  readonly licenses?: readonly string[];
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
}

export function gemPackageDraft(facts: GemPackageFacts): PackageDraft {
  const platform = facts.platform !== undefined && facts.platform !== 'ruby' ? facts.platform : undefined;
  const metadata = { ...facts.metadata, ...(platform !== undefined ? { platform } : {}) };
  return {
    ecosystem: 'gem',
    name: facts.name,
    version: facts.version,
    purl: formatPurl({ type: 'gem', name: facts.name, version: facts.version, qualifiers: { platform } }),
    licenses: facts.licenses ?? [],
    locations: [facts.location],
    ...(facts.key !== undefined ? { key: facts.key } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

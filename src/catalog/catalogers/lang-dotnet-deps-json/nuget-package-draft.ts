import type { PackageLocation } from '../../../domain/package.js';
import { formatPurl } from '../../../domain/purl.js';
import type { PackageDraft } from '../../cataloger.js';

/** A NuGet package draft; NuGet ids are case-insensitive, the purl keeps the id as written. */
export function nugetPackageDraft(name: string, version: string, location: PackageLocation, key: string): PackageDraft {
  return {
    ecosystem: 'nuget',
    name,
    version,
    purl: formatPurl({ type: 'nuget', name, version }),
    licenses: [],
    locations: [location],
    key,
  };
}

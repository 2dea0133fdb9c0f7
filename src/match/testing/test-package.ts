/** Builds a Package for matcher tests with the fields catalogers always fill. */
import type { Package } from '../../domain/package.js';

export function testPackage(fields: Partial<Package> & Pick<Package, 'ecosystem' | 'name' | 'version'>): Package {
  return {
    id: `pkg-${fields.ecosystem}-${fields.name}-${fields.version}`,
    purl: `pkg:${fields.ecosystem}/${fields.name}@${fields.version}`,
    licenses: [],
    locations: [],
    foundBy: 'test',
    ...fields,
  };
}

/**
 * The name advisories are stored and looked up under, per ecosystem. Matchers
 * must normalize an inventory package's name with the same function so both
 * sides meet: PEP 503 for PyPI, lower case for NuGet and Composer (both
 * case-insensitive registries), everything else as the ecosystem spells it
 * (npm scopes, Maven `group:artifact`, Go module paths, `stdlib`).
 */
import type { Ecosystem } from '../domain/ecosystem.js';

export function normalizePackageName(ecosystem: Ecosystem, name: string): string {
  switch (ecosystem) {
    case 'pypi':
      return name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'nuget':
    case 'composer':
      return name.toLowerCase();
    default:
      return name;
  }
}

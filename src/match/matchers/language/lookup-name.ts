/**
 * Package names as each language ecosystem compares them: PEP 503 for PyPI,
 * case-insensitive NuGet, Composer and crates.io, exact elsewhere (npm scopes
 * stay part of the name, Maven is `group:artifact`, Go the module path or
 * `stdlib`).
 */
import type { Ecosystem } from '../../../domain/ecosystem.js';

export type LanguageEcosystem = Exclude<Ecosystem, 'deb' | 'apk' | 'rpm' | 'binary'>;

const NORMALIZERS = {
  npm: (n) => n,
  pypi: (n) => n.trim().toLowerCase().replace(/[-_.]+/g, '-'),
  go: (n) => n,
  maven: (n) => n,
  gem: (n) => n,
  cargo: (n) => n.toLowerCase(),
  composer: (n) => n.toLowerCase(),
  nuget: (n) => n.toLowerCase(),
} as const satisfies Record<LanguageEcosystem, (name: string) => string>;

export function lookupName(ecosystem: LanguageEcosystem, name: string): string {
  return NORMALIZERS[ecosystem](name);
}

/**
 * Ecosystems Bulkhead knows. Every table keyed by ecosystem is a
 * `Record<Ecosystem, …>` so the compiler lists what must learn about a new one.
 */
export const ECOSYSTEMS = [
  'deb',
  'apk',
  'rpm',
  'npm',
  'pypi',
  'go',
  'maven',
  'gem',
  'cargo',
  'composer',
  'nuget',
  'binary',
] as const;

export type Ecosystem = (typeof ECOSYSTEMS)[number];

/** OS package ecosystems are matched against distro data; the rest against ecosystem advisories. */
export const OS_ECOSYSTEMS: ReadonlySet<Ecosystem> = new Set(['deb', 'apk', 'rpm']);

export function isEcosystem(value: string): value is Ecosystem {
  return (ECOSYSTEMS as readonly string[]).includes(value);
}

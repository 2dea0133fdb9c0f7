/**
 * The purl `distro` qualifier: `<id>-<version_id>` ('debian-12',
 * 'rhel-9.3'), as syft and the purl-spec examples write it. Alpine's secdb is
 * per branch, so Alpine uses major.minor ('alpine-3.19'); a rolling release
 * without VERSION_ID is its bare id ('arch').
 */
import type { Distro } from '../../domain/distro.js';

export function distroQualifier(distro: Distro | undefined): string | undefined {
  if (distro === undefined || distro.id === '') return undefined;
  const version = distro.versionId;
  if (version === undefined || version === '') return distro.id;
  if (distro.id === 'alpine') {
    const match = /^(\d+)\.(\d+)/.exec(version);
    if (match) return `alpine-${match[1]}.${match[2]}`;
  }
  return `${distro.id}-${version}`;
}

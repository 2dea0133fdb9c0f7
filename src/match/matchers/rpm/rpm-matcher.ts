/**
 * RPM packages (RHEL, Rocky, AlmaLinux, …): the release's statements for the
 * source RPM, ordered by epoch, version and release as rpm does.
 */
import { rpm } from '../../../version/index.js';
import { distroMatcher } from '../distro-matcher.js';

/** 'rocky-9.3' → ['rocky-9.3', 'rocky-9']: OSV and OVAL data for RHEL-family distros is per major release. */
export function rpmReleases(distro: string): string[] {
  const m = /^(.+)-(\d+)\.[\d.]+$/.exec(distro);
  return m ? [distro, `${m[1]}-${m[2]}`] : [distro];
}

export const rpmMatcher = distroMatcher({ name: 'rpm', ecosystem: 'rpm', scheme: rpm, releases: rpmReleases });

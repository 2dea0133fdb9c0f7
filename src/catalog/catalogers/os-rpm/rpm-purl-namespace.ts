/**
 * The purl namespace of an RPM: the vendor's short name, as the purl-spec
 * examples use ('pkg:rpm/fedora/curl', 'pkg:rpm/opensuse/curl'). The
 * image's os-release ID decides; the header's Vendor tag is the fallback for
 * images without one.
 */
import type { Distro } from '../../../domain/distro.js';

const BY_DISTRO_ID: Readonly<Record<string, string>> = {
  rhel: 'redhat',
  centos: 'centos',
  rocky: 'rocky',
  almalinux: 'almalinux',
  fedora: 'fedora',
  ol: 'oracle',
  amzn: 'amazon',
  sles: 'suse',
  sled: 'suse',
  'sle-micro': 'suse',
  opensuse: 'opensuse',
  'opensuse-leap': 'opensuse',
  'opensuse-tumbleweed': 'opensuse',
  mariner: 'mariner',
  azurelinux: 'azurelinux',
  photon: 'photon',
};

const BY_VENDOR: readonly (readonly [RegExp, string])[] = [
  [/^Red Hat\b/i, 'redhat'],
  [/^CentOS\b/i, 'centos'],
  [/^Rocky\b/i, 'rocky'],
  [/^AlmaLinux\b/i, 'almalinux'],
  [/^Fedora\b/i, 'fedora'],
  [/^Oracle\b/i, 'oracle'],
  [/^Amazon\b/i, 'amazon'],
  [/^openSUSE\b/i, 'opensuse'],
  [/^SUSE\b/i, 'suse'],
  [/^Microsoft\b/i, 'mariner'],
];

export function rpmPurlNamespace(distro: Distro | undefined, vendor: string | undefined): string | undefined {
  if (distro !== undefined) return BY_DISTRO_ID[distro.id] ?? distro.id;
  if (vendor === undefined) return undefined;
  return BY_VENDOR.find(([pattern]) => pattern.test(vendor))?.[1];
}

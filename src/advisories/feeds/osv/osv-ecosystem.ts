/**
 * OSV ecosystem strings ('Debian:12', 'Ubuntu:22.04:LTS', 'Alpine:v3.19',
 * 'PyPI', …) to a Bulkhead ecosystem and distro release. Ecosystems Bulkhead
 * has no package model for (Pub, Hex, CRAN, …) map to undefined; the parser
 * skips those entries with a count.
 */
import type { Ecosystem } from '../../../domain/ecosystem.js';

export interface OsvTarget {
  readonly ecosystem: Ecosystem;
  readonly distro?: string;
}

const LANGUAGE: Readonly<Record<string, Ecosystem>> = {
  npm: 'npm',
  pypi: 'pypi',
  go: 'go',
  maven: 'maven',
  'crates.io': 'cargo',
  rubygems: 'gem',
  nuget: 'nuget',
  packagist: 'composer',
};

export function mapOsvEcosystem(value: string): OsvTarget | undefined {
  const parts = value.split(':').map((p) => p.trim());
  const base = (parts[0] ?? '').toLowerCase();
  const language = LANGUAGE[base];
  if (language) return parts.length === 1 ? { ecosystem: language } : undefined;
  const release = parts.slice(1);
  switch (base) {
    case 'debian': {
      const n = release[0];
      return n && /^\d+$/.test(n) ? { ecosystem: 'deb', distro: `debian-${n}` } : undefined;
    }
    case 'ubuntu': {
      // 'Ubuntu:22.04:LTS', 'Ubuntu:Pro:18.04:LTS', 'Ubuntu:Pro:FIPS:…': Pro fixes are not in the public archive, so they get their own release name.
      const pro = release[0]?.toLowerCase() === 'pro';
      const v = release.find((r) => /^\d+\.\d+$/.test(r));
      if (!v) return undefined;
      const fips = release.some((r) => /fips/i.test(r));
      return { ecosystem: 'deb', distro: `ubuntu-${pro ? 'pro-' : ''}${fips ? 'fips-' : ''}${v}` };
    }
    case 'alpine': {
      const m = /^v?(\d+\.\d+)$/.exec(release[0] ?? '');
      return m ? { ecosystem: 'apk', distro: `alpine-${m[1]}` } : undefined;
    }
    case 'rocky linux':
    case 'almalinux': {
      const m = /^(\d+)/.exec(release[0] ?? '');
      return m ? { ecosystem: 'rpm', distro: `${base === 'almalinux' ? 'almalinux' : 'rocky'}-${m[1]}` } : undefined;
    }
    case 'red hat': {
      // 'Red Hat:enterprise_linux:9::appstream', 'Red Hat:rhel_eus:8.6::baseos': the major release is what images carry.
      for (const r of release) {
        const m = /^(\d+)(?:\.\d+)?$/.exec(r);
        if (m) return { ecosystem: 'rpm', distro: `rhel-${m[1]}` };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

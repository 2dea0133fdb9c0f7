/**
 * Picks the manifest for one platform out of an image index / manifest list,
 * the way `docker pull --platform` does: exact os/architecture/variant first,
 * then (for 32-bit ARM) older compatible variants; attestation and other
 * non-image entries (`unknown/unknown`) never match.
 */
import { BadInputError } from '../../domain/errors.js';
import type { Descriptor, ImageIndex } from '../manifest.js';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES } from '../manifest.js';
import { formatPlatform, normalizePlatform, platformMatches } from '../platform.js';
import type { Platform } from '../platform.js';

/** Variants a 32-bit ARM CPU of each level also runs, best first (containerd's compatibility list). */
const ARM_FALLBACK: Readonly<Record<string, readonly string[]>> = {
  v8: ['v8', 'v7', 'v6', 'v5'],
  v7: ['v7', 'v6', 'v5'],
  v6: ['v6', 'v5'],
  v5: ['v5'],
};

function imageEntries(index: ImageIndex): Descriptor[] {
  return index.manifests.filter(
    (d) =>
      (MANIFEST_MEDIA_TYPES.has(d.mediaType) || INDEX_MEDIA_TYPES.has(d.mediaType)) &&
      d.platform !== undefined &&
      d.platform.os !== 'unknown' &&
      d.platform.architecture !== 'unknown' &&
      // BuildKit marks attestation manifests this way even when they carry a platform.
      d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest',
  );
}

function platformOf(d: Descriptor): Platform {
  const p = d.platform!;
  return p.variant ? { os: p.os, architecture: p.architecture, variant: p.variant } : { os: p.os, architecture: p.architecture };
}

/** The platforms an index offers, as `os/arch[/variant]` strings. */
export function indexPlatforms(index: ImageIndex): string[] {
  return [...new Set(imageEntries(index).map((d) => formatPlatform(platformOf(d))))];
}

/** The descriptor for `wanted`, or a BadInputError listing what the index has. */
export function selectPlatformManifest(index: ImageIndex, wanted: Platform, what: string): Descriptor {
  const entries = imageEntries(index);
  const want = normalizePlatform(wanted);
  const exact = entries.find((d) => {
    const have = normalizePlatform(platformOf(d));
    return have.os === want.os && have.architecture === want.architecture && have.variant === want.variant;
  });
  if (exact) return exact;
  if (want.architecture === 'arm' && want.variant !== undefined) {
    for (const variant of ARM_FALLBACK[want.variant] ?? []) {
      const found = entries.find((d) => platformMatches(platformOf(d), { ...want, variant }));
      if (found) return found;
    }
  }
  // A wanted platform without a variant (or amd64 microarchitecture levels) takes the first match.
  const loose = entries.find((d) => platformMatches(platformOf(d), wanted));
  if (loose) return loose;
  const available = indexPlatforms(index);
  throw new BadInputError(
    `${what} has no image for platform ${formatPlatform(want)}; available: ${available.length > 0 ? available.join(', ') : 'none'} (choose one with --platform)`,
  );
}

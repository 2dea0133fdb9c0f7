/**
 * Paths the secret scanner does not read at all: generated data, compiled
 * code, media and archives that are either never secrets or are binary. They
 * are skipped before the layer reader buffers anything, which is where most of
 * the scan's cost would go. Listed in docs/checks.md.
 */
import { pathGlobs } from '../path-glob.js';

export const NOISE_PATH_GLOBS: readonly string[] = [
  '/proc/**',
  '/sys/**',
  '/dev/**',
  '/usr/share/doc/**',
  '/usr/share/man/**',
  '/usr/share/info/**',
  '/usr/share/locale/**',
  '/usr/share/i18n/**',
  '/usr/share/zoneinfo/**',
  '/usr/share/mime/**',
  '/usr/lib/locale/**',
  // The package manager's own database and the language runtimes' core libraries are distro-built
  // files; secrets do not live there, and they are a large share of an image's text.
  '/var/lib/dpkg/**',
  '/usr/share/perl/**',
  '/usr/lib/*/perl/**',
  '/usr/lib/*/perl-base/**',
  '/usr/lib/*/perl5/**',
  '/usr/lib/python3.*/**',
  '/usr/lib/python2.*/**',
  '/usr/share/ca-certificates/**',
  '/etc/ssl/certs/**',
  '/usr/include/**',
  '/var/cache/debconf/*.dat',
  '/var/cache/debconf/*.dat-old',
  '/var/lib/apt/lists/**',
  '/var/cache/apt/**',
  '/var/log/**',
  '**/node_modules/**/test/**',
  '**/__pycache__/**',
];

/** Suffixes of files that are binary or compressed (shared objects, archives, images, fonts, bytecode, locales). */
const NOISE_SUFFIX = /\.(?:so(?:\.[0-9.]+)?|a|o|pyc|pyo|class|jar|war|zip|gz|tgz|xz|bz2|zst|lz4|7z|png|jpe?g|gif|ico|webp|bmp|tiff?|woff2?|ttf|otf|eot|mo|gmo|wasm|node|exe|dll|pdf|mp[34]|db|sqlite3?)$/i;

const noiseGlob = pathGlobs(NOISE_PATH_GLOBS);

export function isNoisePath(path: string): boolean {
  return NOISE_SUFFIX.test(path) || noiseGlob.test(path);
}

/**
 * Distro detection: which OS release an image is (os-release and the older
 * release files), and the purl `distro` qualifier derived from it.
 */
export { detectDistro, distroSelects } from './detect-distro.js';
export { distroQualifier } from './distro-qualifier.js';
export { parseOsRelease } from './parse-os-release.js';

/**
 * Debian and Ubuntu packages: the release's tracker/OSV statements for the
 * binary's source package, ordered as dpkg orders versions.
 */
import { deb } from '../../../version/index.js';
import { distroMatcher } from '../distro-matcher.js';

export const dpkgMatcher = distroMatcher({ name: 'dpkg', ecosystem: 'deb', scheme: deb });

/**
 * RPM packages (RHEL, Rocky, AlmaLinux, …): the release's statements for the
 * source RPM, ordered by epoch, version and release as rpm does.
 */
import { rpm } from '../../../version/index.js';
import { distroMatcher } from '../distro-matcher.js';

export const rpmMatcher = distroMatcher({ name: 'rpm', ecosystem: 'rpm', scheme: rpm });

/**
 * Alpine packages: secdb/OSV statements for the package's origin on its
 * branch ('alpine-3.19'); secdb's "fixed in X" means every version below X is
 * affected. Versions apk itself rejects are ordered as OSV's reference does.
 */
import { schemeForOsvEcosystem } from '../../../version/index.js';
import { distroMatcher } from '../distro-matcher.js';

export const apkMatcher = distroMatcher({ name: 'apk', ecosystem: 'apk', scheme: schemeForOsvEcosystem('Alpine')! });

/**
 * The image configuration checks: CIS Docker Benchmark section 4 image
 * recommendations and their kin, each a pure function of the image metadata
 * (and the file tree for setuid/setgid), one per file.
 */
import { isRootUser, nonRootUser } from './root-user.js';
import { healthcheckPresent } from './healthcheck.js';
import { noRemoteAdd } from './remote-add.js';
import { setuidFiles } from './setuid-files.js';
import { noConfigSecrets } from './config-secrets.js';
import { imageRegistries, trustedRegistry } from './trusted-registry.js';
import { imageAge } from './image-age.js';
import { requiredLabels } from './required-labels.js';
import { noLatestTag } from './latest-tag.js';
import { digestPinned } from './digest-pinned.js';

export { isRootUser, nonRootUser, healthcheckPresent, noRemoteAdd, setuidFiles, noConfigSecrets, imageRegistries, trustedRegistry, imageAge, requiredLabels, noLatestTag, digestPinned };

export const IMAGE_CONFIG_CHECKS = [nonRootUser, healthcheckPresent, noRemoteAdd, setuidFiles, noConfigSecrets, trustedRegistry, imageAge, requiredLabels, noLatestTag, digestPinned] as const;

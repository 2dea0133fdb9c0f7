/**
 * policies/default.yaml of the installed package: two directories above
 * every place this module runs from (src/policy, dist/policy, and the bundled
 * CLI's chunks in dist/bin).
 */
import { fileURLToPath } from 'node:url';

export const BUILT_IN_POLICY_PATH = fileURLToPath(new URL('../../policies/default.yaml', import.meta.url));

/**
 * What every npm cataloger shares: how an npm package becomes a draft with
 * its purl, how lockfile versions that are not registry versions (git, file,
 * tarball URLs) are kept out of the version field, and where node_modules is.
 */
export { npmPackageDraft, type NpmPackageFacts } from './npm-package-draft.js';
export { splitNpmVersion } from './split-npm-version.js';
export { isInsideNodeModules } from './is-inside-node-modules.js';
export { npmScope } from './npm-scope.js';

/** npm lockfiles (package-lock.json, npm-shrinkwrap.json) of projects in the image. */
export { npmLockCataloger } from './cataloger.js';
export { parsePackageLock } from './parse-package-lock.js';

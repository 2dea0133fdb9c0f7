/** pnpm-lock.yaml (v5 to v9) of projects in the image. */
export { pnpmLockCataloger } from './cataloger.js';
export { parsePnpmLock } from './parse-pnpm-lock.js';
export { parseDependencyPath } from './parse-dependency-path.js';

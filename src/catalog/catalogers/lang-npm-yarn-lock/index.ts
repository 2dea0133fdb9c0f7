/** yarn.lock, classic (v1) and berry (v2+), of projects in the image. */
export { yarnLockCataloger } from './cataloger.js';
export { parseYarnLock } from './parse-yarn-lock.js';
export { tokenizeYarnV1, type YarnV1Block } from './tokenize-yarn-v1.js';

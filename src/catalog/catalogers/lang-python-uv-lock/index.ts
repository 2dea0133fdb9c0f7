/** uv.lock of Python projects in the image, with scopes derived from the workspace members. */
export { uvLockCataloger } from './cataloger.js';
export { parseUvLock } from './parse-uv-lock.js';

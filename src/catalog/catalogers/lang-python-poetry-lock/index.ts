/** poetry.lock (poetry 1.x categories and 2.x groups) of Python projects in the image. */
export { poetryLockCataloger } from './cataloger.js';
export { parsePoetryLock } from './parse-poetry-lock.js';

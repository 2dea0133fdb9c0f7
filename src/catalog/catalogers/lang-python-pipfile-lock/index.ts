/** Pipfile.lock (pipenv) of Python projects in the image; "develop" packages are dev scope. */
export { pipfileLockCataloger } from './cataloger.js';
export { parsePipfileLock } from './parse-pipfile-lock.js';

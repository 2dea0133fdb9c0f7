/** Bundler lockfiles (Gemfile.lock) of Ruby projects in the image. */
export { gemfileLockCataloger } from './cataloger.js';
export { parseGemfileLock } from './parse-gemfile-lock.js';

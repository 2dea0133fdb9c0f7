/** Packages installed with apk-tools (Alpine and its relatives). */
export { apkCataloger } from './apk-cataloger.js';

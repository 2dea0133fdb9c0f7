/** Debian packages installed with dpkg. */
export { dpkgCataloger } from './dpkg-cataloger.js';

/** PHP Composer: composer.lock of projects and vendor/composer/installed.json of installed vendors. */
export { composerLockCataloger, composerInstalledCataloger } from './cataloger.js';
export { parseComposer } from './parse-composer.js';

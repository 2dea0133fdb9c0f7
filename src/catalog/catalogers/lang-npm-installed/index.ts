/** npm packages installed under node_modules (nested and scoped), read from their package.json. */
export { npmInstalledCataloger } from './cataloger.js';
export { parsePackageJson, type InstalledManifest } from './parse-package-json.js';

/** Python distributions installed in site-packages/dist-packages (.dist-info and .egg-info). */
export { pythonInstalledCataloger } from './cataloger.js';
export { parseCoreMetadata, licensesOf, firstField, type CoreMetadata } from './parse-core-metadata.js';

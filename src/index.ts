/**
 * Bulkhead as a library: inventory any container image, directory or SBOM,
 * and write the result as CycloneDX, SPDX or Bulkhead's own JSON.
 *
 *   import { inventory, toCycloneDx } from 'bulkhead';
 *   const inv = await inventory('docker-archive:app.tar');
 */
export { inventory, parseTarget, toolVersion } from './scan/index.js';
export type { InventoryOptions, Target, ScanProgress } from './scan/index.js';
export { toCycloneDx, toSpdx, toInventoryJson, readSbom } from './sbom/index.js';
export { CATALOGERS, selectCatalogers } from './catalog/registry.js';
export type { Cataloger } from './catalog/cataloger.js';
export type * from './domain/inventory.js';
export type * from './domain/package.js';
export type * from './domain/image.js';
export type * from './domain/distro.js';
export type { Ecosystem } from './domain/ecosystem.js';
export { BulkheadError, BadInputError, ImageFormatError, LimitExceededError } from './domain/errors.js';

/**
 * SBOM module: writes an Inventory as CycloneDX 1.6 JSON, SPDX 2.3 JSON or
 * Bulkhead's own inventory JSON, and reads any of those (CycloneDX 1.4–1.6,
 * SPDX 2.2/2.3) back into an Inventory for `sbom:` targets. Each writer
 * comes as a generator of pieces (…Pieces, for writing to a stream without
 * holding the document) and as one string (to…).
 */
export { toCycloneDx, cycloneDxPieces } from './cyclonedx/to-cyclonedx.js';
export type { CycloneDxOptions } from './cyclonedx/to-cyclonedx.js';
export { toSpdx, spdxPieces } from './spdx/to-spdx.js';
export type { SpdxOptions } from './spdx/to-spdx.js';
export { toInventoryJson, inventoryJsonPieces } from './inventory-json/to-inventory-json.js';
export { inventorySchema } from './inventory-json/inventory-schema.js';
export { readSbom, DEFAULT_SBOM_LIMITS } from './read-sbom.js';
export type { ReadSbomOptions } from './read-sbom.js';

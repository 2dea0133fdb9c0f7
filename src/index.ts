/**
 * Bulkhead as a library: inventory any container image, directory or SBOM,
 * write the result as CycloneDX, SPDX or Bulkhead's own JSON, and scan it
 * for known vulnerabilities against an advisory database.
 *
 *   import { inventory, scan, toCycloneDx } from 'bulkhead';
 *   const inv = await inventory('docker-archive:app.tar');
 *   const result = await scan('docker-archive:app.tar', { db: 'advisories.db', severities: ['critical', 'high'] });
 */
export { inventory, parseTarget, toolVersion } from './scan/index.js';
export type { InventoryOptions, Target, ScanProgress } from './scan/index.js';
export { scan, filterFindings } from './scan/index.js';
export type { ScanOptions, ScanResult, ScanSummary, DatabaseInfo } from './scan/index.js';
export { matchInventory, applyVex, parseVex, readVexFile } from './match/index.js';
export type { MatchResult, Matcher, UnmatchedPackage, VexStatement } from './match/index.js';
export { renderVulnerabilityTable } from './report/vulnerability-table.js';
export { toScanJson } from './report/scan-json.js';
export { toSarif } from './report/sarif.js';
export { toJUnit } from './report/junit.js';
export { toCycloneDxVdr } from './report/cyclonedx-vdr.js';
export type * from './domain/finding.js';
export type * from './domain/advisory.js';
export type * from './domain/severity.js';
export { toCycloneDx, toSpdx, toInventoryJson, cycloneDxPieces, spdxPieces, inventoryJsonPieces, readSbom } from './sbom/index.js';
export { CATALOGERS, selectCatalogers } from './catalog/registry.js';
export type { Cataloger } from './catalog/cataloger.js';
export type * from './domain/inventory.js';
export type * from './domain/package.js';
export type * from './domain/image.js';
export type * from './domain/distro.js';
export type { Ecosystem } from './domain/ecosystem.js';
export { BulkheadError, BadInputError, ImageFormatError, LimitExceededError } from './domain/errors.js';

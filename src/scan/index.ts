/**
 * scan: the pipeline from a target string to what is inside it. Later stages
 * (matching, policy) build on the Inventory this produces.
 */
export { inventory, type InventoryOptions } from './inventory-target.js';
export { parseTarget, type Target } from './target.js';
export type { ScanProgress, StageTimer } from './progress.js';
export { toolVersion } from './tool-version.js';
export { scan, filterFindings, summarize, type ScanOptions, type ScanResult, type ScanSummary, type DatabaseInfo } from './scan-target.js';

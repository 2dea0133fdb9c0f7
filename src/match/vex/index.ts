/**
 * VEX: reads OpenVEX and CycloneDX VEX documents and marks the findings their
 * not_affected / fixed statements cover as suppressed.
 */
export { readVexFile, parseVex } from './read-vex.js';
export { applyVex } from './apply-vex.js';
export type { VexProduct, VexStatement } from './vex-statement.js';

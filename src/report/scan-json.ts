/**
 * The `scan --format json` document: the scan result as one JSON object
 * (schema 'bulkhead.scan/v1') — inventory, findings, unmatched packages,
 * advisory snapshot, filters and summary. Timings are left out so the
 * document is a function of (target, advisory snapshot, options).
 */
import type { ScanResult } from '../scan/scan-target.js';

export function toScanJson(result: ScanResult): string {
  const { timings: _timings, ...document } = result;
  return `${JSON.stringify(document, null, 2)}\n`;
}

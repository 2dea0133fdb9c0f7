import type { Inventory } from '../../domain/inventory.js';

/**
 * Bulkhead's own inventory document: the Inventory exactly as the domain
 * type holds it (docs/inventory-format.md). Key order follows the object, so
 * the same inventory always gives the same bytes.
 */
export function toInventoryJson(inv: Inventory): string {
  return `${JSON.stringify(inv, null, 2)}\n`;
}

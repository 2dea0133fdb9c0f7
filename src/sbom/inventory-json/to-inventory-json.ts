import type { Inventory } from '../../domain/inventory.js';
import { jsonPieces } from '../json-pieces.js';

/**
 * Bulkhead's own inventory document: the Inventory exactly as the domain
 * type holds it (docs/inventory-format.md). Key order follows the object, so
 * the same inventory always gives the same bytes.
 */
export function toInventoryJson(inv: Inventory): string {
  return [...inventoryJsonPieces(inv)].join('');
}

/** The document piece by piece: one member, or a batch of a list's elements (packages, relationships…), each. */
export function* inventoryJsonPieces(inv: Inventory): Generator<string, void, undefined> {
  // Two levels: the inventory's members, then each element of its lists.
  yield* jsonPieces(inv, 2);
  yield '\n';
}

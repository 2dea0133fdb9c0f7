/**
 * What a role with a list of collections may see. Admins see everything.
 * With no collections, secops, auditor, ci and defender are unrestricted
 * (their roles are already narrow or global by definition) while a
 * developer sees nothing: a developer's view is only ever what their
 * collections admit.
 */
import type { Store } from '../../store/open-store.js';
import type { CollectionPatterns, Role } from '../principal.js';
import { parseCollectionPatterns, unionPatterns } from './collection-patterns.js';

export async function resolveScope(store: Store, role: Role, collections: readonly string[]): Promise<CollectionPatterns | null> {
  if (role === 'admin') return null;
  if (collections.length === 0) return role === 'developer' ? {} : null;
  const rows = await store.db.selectFrom('collections').select('patterns').where('name', 'in', [...collections]).execute();
  // A listed collection that has vanished admits nothing; the others still apply.
  return unionPatterns(rows.map((r) => parseCollectionPatterns(r.patterns)));
}

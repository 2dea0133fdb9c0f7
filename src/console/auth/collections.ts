/**
 * Collections: named sets of image/registry/namespace/host globs. Users and
 * tokens list collection names; their scope is the union of those
 * collections' patterns (resolve-scope.ts).
 */
import { z } from 'zod';
import type { Store } from '../../store/open-store.js';
import type { CollectionTable } from '../../store/schema.js';
import type { CollectionPatterns } from '../principal.js';
import { ProblemError } from '../route.js';
import { parseCollectionPatterns } from './collection-patterns.js';

export const collectionNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'collection names are 1-128 letters, digits, ".", "_" or "-"');

export interface CollectionView {
  readonly name: string;
  readonly description: string;
  readonly patterns: CollectionPatterns;
  readonly createdAt: string;
}

export function collectionView(row: CollectionTable): CollectionView {
  return { name: row.name, description: row.description, patterns: parseCollectionPatterns(row.patterns), createdAt: row.created_at };
}

export async function listCollections(store: Store): Promise<CollectionView[]> {
  const rows = await store.db.selectFrom('collections').selectAll().orderBy('name').execute();
  return rows.map(collectionView);
}

export async function getCollection(store: Store, name: string): Promise<CollectionView | undefined> {
  const row = await store.db.selectFrom('collections').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? collectionView(row) : undefined;
}

export async function createCollection(store: Store, c: { name: string; description?: string; patterns: CollectionPatterns }, now: Date): Promise<CollectionView> {
  if (await getCollection(store, c.name)) throw new ProblemError(409, 'Conflict', `a collection named "${c.name}" exists`);
  const row: CollectionTable = { name: c.name, description: c.description ?? '', patterns: JSON.stringify(c.patterns), created_at: now.toISOString() };
  try {
    await store.db.insertInto('collections').values(row).execute();
  } catch (error) {
    if (await getCollection(store, c.name)) throw new ProblemError(409, 'Conflict', `a collection named "${c.name}" exists`);
    throw error;
  }
  return collectionView(row);
}

export async function updateCollection(store: Store, name: string, c: { description?: string; patterns?: CollectionPatterns }): Promise<CollectionView> {
  const existing = await store.db.selectFrom('collections').selectAll().where('name', '=', name).executeTakeFirst();
  if (!existing) throw new ProblemError(404, 'Not Found', 'no such collection');
  const values: Partial<CollectionTable> = {};
  if (c.description !== undefined) values.description = c.description;
  if (c.patterns !== undefined) values.patterns = JSON.stringify(c.patterns);
  if (Object.keys(values).length) await store.db.updateTable('collections').set(values).where('name', '=', name).execute();
  return collectionView({ ...existing, ...values });
}

/** Who lists the collection: deleting it would silently widen or empty their scope. */
export async function collectionUsers(store: Store, name: string): Promise<string[]> {
  const needle = `%${JSON.stringify(name).replace(/[%_\\]/g, '\\$&')}%`;
  const users = await store.db.selectFrom('users').select(['name', 'collections']).where('collections', 'like', needle).execute();
  const tokens = await store.db.selectFrom('api_tokens').select(['name', 'collections']).where('collections', 'like', needle).where('revoked_at', 'is', null).execute();
  const lists = (text: string): boolean => {
    try {
      const parsed: unknown = JSON.parse(text);
      return Array.isArray(parsed) && parsed.includes(name);
    } catch {
      return false;
    }
  };
  return [...users.filter((u) => lists(u.collections)).map((u) => `user:${u.name}`), ...tokens.filter((t) => lists(t.collections)).map((t) => `token:${t.name}`)];
}

export async function deleteCollection(store: Store, name: string): Promise<CollectionView> {
  const existing = await store.db.selectFrom('collections').selectAll().where('name', '=', name).executeTakeFirst();
  if (!existing) throw new ProblemError(404, 'Not Found', 'no such collection');
  const users = await collectionUsers(store, name);
  if (users.length) throw new ProblemError(409, 'Conflict', `collection "${name}" is still assigned to ${users.slice(0, 10).join(', ')}${users.length > 10 ? ', …' : ''}`);
  await store.db.deleteFrom('collections').where('name', '=', name).execute();
  return collectionView(existing);
}

export async function assertCollectionsExist(store: Store, names: readonly string[]): Promise<void> {
  if (!names.length) return;
  const rows = await store.db.selectFrom('collections').select('name').where('name', 'in', [...names]).execute();
  const known = new Set(rows.map((r) => r.name));
  const missing = names.filter((n) => !known.has(n));
  if (missing.length) throw new ProblemError(400, 'Bad Request', `unknown collection(s): ${missing.join(', ')}`);
}

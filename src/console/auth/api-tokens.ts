/**
 * API tokens for CI, enforcement points and scripts: `bh_` + 32 random bytes,
 * shown once at creation; only the sha256 is stored. A token carries its own
 * role and collections, may expire, can be revoked, records when it was
 * last used, and stops working when the user who created it is disabled or
 * deleted.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../../store/open-store.js';
import type { ApiTokenTable } from '../../store/schema.js';
import type { Role } from '../principal.js';
import { ProblemError } from '../route.js';
import { assertCollectionsExist } from './collections.js';
import { newSecret, secretDigest } from './secret-digest.js';
import { parseNames, roleSchema } from './users.js';

export const TOKEN_PREFIX = 'bh_';
/** bh_ + 43 base64url characters (32 bytes). */
export const TOKEN_PATTERN = /^bh_[A-Za-z0-9_-]{43}$/;

export interface TokenView {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly collections: readonly string[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export const tokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  collections: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

export function tokenView(row: ApiTokenTable): TokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    collections: parseNames(row.collections),
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

export interface NewToken {
  readonly name: string;
  readonly role: Role;
  readonly collections?: readonly string[];
  readonly expiresAt?: string | null;
  /** The creating user's id. */
  readonly createdBy: string;
}

export async function createApiToken(store: Store, token: NewToken, now: Date): Promise<{ view: TokenView; secret: string }> {
  const collections = [...new Set(token.collections ?? [])];
  await assertCollectionsExist(store, collections);
  if (token.expiresAt && Date.parse(token.expiresAt) <= now.getTime()) throw new ProblemError(400, 'Bad Request', 'expiresAt is in the past');
  const secret = TOKEN_PREFIX + newSecret();
  const row: ApiTokenTable = {
    id: randomUUID(),
    name: token.name,
    secret_hash: secretDigest(secret),
    role: token.role,
    collections: JSON.stringify(collections),
    created_by: token.createdBy,
    created_at: now.toISOString(),
    expires_at: token.expiresAt ? new Date(token.expiresAt).toISOString() : null,
    revoked_at: null,
    last_used_at: null,
  };
  await store.db.insertInto('api_tokens').values(row).execute();
  return { view: tokenView(row), secret };
}

export async function listApiTokens(store: Store, createdBy?: string): Promise<TokenView[]> {
  let query = store.db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id');
  if (createdBy !== undefined) query = query.where('created_by', '=', createdBy);
  return (await query.execute()).map(tokenView);
}

export async function getApiToken(store: Store, id: string): Promise<TokenView | undefined> {
  const row = await store.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? tokenView(row) : undefined;
}

export async function revokeApiToken(store: Store, id: string, now: Date): Promise<TokenView> {
  const row = await store.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ProblemError(404, 'Not Found', 'no such token');
  if (row.revoked_at) return tokenView(row);
  const revokedAt = now.toISOString();
  await store.db.updateTable('api_tokens').set({ revoked_at: revokedAt }).where('id', '=', id).execute();
  return tokenView({ ...row, revoked_at: revokedAt });
}

/**
 * Which roles a non-admin may give a token they create for themselves: their
 * own, or one that can do strictly less. ci and defender tokens can write
 * (scan uploads, enforcement reports), so only admins hand those out to
 * anyone whose role is not already that one.
 */
export const GRANTABLE: Readonly<Record<Role, readonly Role[]>> = {
  admin: ['admin', 'secops', 'auditor', 'developer', 'ci', 'defender'],
  secops: ['secops', 'auditor', 'developer'],
  auditor: ['auditor', 'developer'],
  developer: ['developer'],
  ci: ['ci'],
  defender: ['defender'],
};

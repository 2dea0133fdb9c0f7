/**
 * Console users: names, argon2id password hashes, a role and the
 * collections that narrow what they see. Reads and writes of the users
 * table go through here.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../../store/open-store.js';
import type { UserTable } from '../../store/schema.js';
import { ROLES, type Role } from '../principal.js';
import { ProblemError } from '../route.js';
import { assertCollectionsExist } from './collections.js';
import { hashPassword, PASSWORD_MAX, PASSWORD_MIN } from './password.js';

export const userNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'names are 1-64 letters, digits, ".", "_", "@" or "-"');
export const passwordSchema = z.string().min(PASSWORD_MIN, `passwords have at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX);
export const roleSchema = z.enum(ROLES);
export const collectionNamesSchema = z.array(z.string().min(1).max(128)).max(100);

export interface UserView {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly collections: readonly string[];
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const userViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  collections: z.array(z.string()),
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function parseNames(text: string): string[] {
  try {
    const parsed = collectionNamesSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export function userView(row: UserTable): UserView {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    collections: parseNames(row.collections),
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function countUsers(store: Store): Promise<number> {
  const row = await store.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findUserByName(store: Store, name: string): Promise<UserTable | undefined> {
  return store.db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function getUser(store: Store, id: string): Promise<UserTable | undefined> {
  return store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listUsers(store: Store): Promise<UserView[]> {
  const rows = await store.db.selectFrom('users').selectAll().orderBy('name').execute();
  return rows.map(userView);
}

export interface NewUser {
  readonly name: string;
  readonly password: string;
  readonly role: Role;
  readonly collections?: readonly string[];
}

export async function createUser(store: Store, user: NewUser, now: Date): Promise<UserView> {
  const collections = [...new Set(user.collections ?? [])];
  await assertCollectionsExist(store, collections);
  if (await findUserByName(store, user.name)) throw new ProblemError(409, 'Conflict', `a user named "${user.name}" exists`);
  const at = now.toISOString();
  const row: UserTable = {
    id: randomUUID(),
    name: user.name,
    password_hash: await hashPassword(user.password),
    role: user.role,
    collections: JSON.stringify(collections),
    disabled: 0,
    created_at: at,
    updated_at: at,
  };
  try {
    await store.db.insertInto('users').values(row).execute();
  } catch (error) {
    // Two creations racing for one name: the unique index decides.
    if (await findUserByName(store, user.name)) throw new ProblemError(409, 'Conflict', `a user named "${user.name}" exists`);
    throw error;
  }
  return userView(row);
}

export interface UserChange {
  readonly password?: string;
  readonly role?: Role;
  readonly collections?: readonly string[];
  readonly disabled?: boolean;
}

/** Applies a change; a new password, role, scope or disabling ends the user's sessions. */
export async function updateUser(store: Store, id: string, change: UserChange, now: Date): Promise<UserView> {
  const existing = await getUser(store, id);
  if (!existing) throw new ProblemError(404, 'Not Found', 'no such user');
  const values: Partial<UserTable> = { updated_at: now.toISOString() };
  if (change.password !== undefined) values.password_hash = await hashPassword(change.password);
  if (change.role !== undefined) values.role = change.role;
  if (change.collections !== undefined) {
    const collections = [...new Set(change.collections)];
    await assertCollectionsExist(store, collections);
    values.collections = JSON.stringify(collections);
  }
  if (change.disabled !== undefined) values.disabled = change.disabled ? 1 : 0;
  await store.db.updateTable('users').set(values).where('id', '=', id).execute();
  if (change.password !== undefined || change.role !== undefined || change.collections !== undefined || change.disabled === true) {
    await store.db.deleteFrom('sessions').where('user_id', '=', id).execute();
  }
  return userView({ ...existing, ...values });
}

export async function deleteUser(store: Store, id: string): Promise<UserView> {
  const existing = await getUser(store, id);
  if (!existing) throw new ProblemError(404, 'Not Found', 'no such user');
  await store.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await tx.deleteFrom('users').where('id', '=', id).execute();
  });
  return userView(existing);
}

/** Enabled admins other than `exceptId`: the last one may not be removed, demoted or disabled. */
export async function otherActiveAdmins(store: Store, exceptId: string): Promise<number> {
  const row = await store.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin').where('disabled', '=', 0).where('id', '!=', exceptId).executeTakeFirstOrThrow();
  return Number(row.n);
}

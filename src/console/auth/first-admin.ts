/**
 * The first administrator: created by `bulkhead serve --init-admin`, or on
 * start from BULKHEAD_ADMIN_USER / BULKHEAD_ADMIN_PASSWORD, and only while
 * the console has no user at all — the variables cannot be used later to
 * plant a second admin or reset a password.
 */
import { BadInputError } from '../../domain/errors.js';
import type { ConsoleContext } from '../context.js';
import { createUser, countUsers, passwordSchema, userNameSchema, type UserView } from './users.js';

export async function createFirstAdmin(ctx: ConsoleContext, name: string, password: string): Promise<UserView | undefined> {
  const validName = userNameSchema.safeParse(name);
  if (!validName.success) throw new BadInputError(`admin name: ${validName.error.issues[0]?.message ?? 'invalid'}`);
  const validPassword = passwordSchema.safeParse(password);
  if (!validPassword.success) throw new BadInputError(`admin password: ${validPassword.error.issues[0]?.message ?? 'invalid'}`);
  if ((await countUsers(ctx.store)) > 0) return undefined;
  const user = await createUser(ctx.store, { name, password, role: 'admin' }, ctx.now());
  await ctx.audit.append({ actor: 'system', action: 'user.create', target: `user:${name}`, detail: { role: 'admin', reason: 'first admin' } });
  return user;
}

/** From the environment on first start; undefined when the variables are not set or users exist. */
export async function firstAdminFromEnv(ctx: ConsoleContext, env: NodeJS.ProcessEnv): Promise<UserView | undefined> {
  const name = env.BULKHEAD_ADMIN_USER;
  const password = env.BULKHEAD_ADMIN_PASSWORD;
  if (!name || !password) return undefined;
  return createFirstAdmin(ctx, name, password);
}

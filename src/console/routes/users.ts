/**
 * Users (admin only): create with a password, role and collections; change
 * role, collections, password or disable; delete. The last enabled admin
 * cannot be removed, demoted or disabled.
 */
import { z } from 'zod';
import { forgetCredentials } from '../auth/credential-cache.js';
import {
  collectionNamesSchema, createUser, deleteUser, getUser, listUsers, otherActiveAdmins, passwordSchema, roleSchema,
  updateUser, userNameSchema, userView, userViewSchema,
} from '../auth/users.js';
import { actorOf } from '../principal.js';
import { ProblemError, route } from '../route.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });

export const userRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/users',
    summary: 'List users',
    tag: 'users',
    access: [],
    response: z.object({ items: z.array(userViewSchema) }),
    handler: async (_request, ctx) => ({ body: { items: await listUsers(ctx.store) } }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/users',
    summary: 'Create a user',
    tag: 'users',
    access: [],
    body: z.strictObject({ name: userNameSchema, password: passwordSchema, role: roleSchema, collections: collectionNamesSchema.optional() }),
    response: userViewSchema,
    handler: async ({ body, principal }, ctx) => {
      const user = await createUser(ctx.store, body, ctx.now());
      await ctx.audit.append({ actor: actorOf(principal), action: 'user.create', target: `user:${user.name}`, detail: { role: user.role, collections: user.collections } });
      return { status: 201, headers: { location: `/api/v1/users/${user.id}` }, body: user };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/users/:id',
    summary: 'One user',
    tag: 'users',
    access: [],
    params: idParams,
    response: userViewSchema,
    handler: async ({ params }, ctx) => {
      const row = await getUser(ctx.store, params.id);
      if (!row) throw new ProblemError(404, 'Not Found', 'no such user');
      return { body: userView(row) };
    },
  }),
  route({
    method: 'PATCH',
    url: '/api/v1/users/:id',
    summary: 'Change a user\'s role, collections, password or disabled flag (ends their sessions)',
    tag: 'users',
    access: [],
    params: idParams,
    body: z.strictObject({ role: roleSchema.optional(), collections: collectionNamesSchema.optional(), password: passwordSchema.optional(), disabled: z.boolean().optional() })
      .refine((b) => Object.keys(b).length > 0, 'nothing to change'),
    response: userViewSchema,
    handler: async ({ params, body, principal }, ctx) => {
      const existing = await getUser(ctx.store, params.id);
      if (!existing) throw new ProblemError(404, 'Not Found', 'no such user');
      const losesAdmin = existing.role === 'admin' && existing.disabled === 0 && ((body.role !== undefined && body.role !== 'admin') || body.disabled === true);
      if (losesAdmin && (await otherActiveAdmins(ctx.store, existing.id)) === 0) {
        throw new ProblemError(409, 'Conflict', 'this is the last enabled admin; create another admin first');
      }
      const user = await updateUser(ctx.store, params.id, body, ctx.now());
      forgetCredentials(ctx);
      const { password, ...shown } = body;
      await ctx.audit.append({ actor: actorOf(principal), action: 'user.update', target: `user:${user.name}`, detail: { ...shown, ...(password !== undefined ? { password: 'changed' } : {}) } });
      return { body: user };
    },
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/users/:id',
    summary: 'Delete a user (their sessions end; tokens they created stop working)',
    tag: 'users',
    access: [],
    params: idParams,
    handler: async ({ params, principal }, ctx) => {
      const existing = await getUser(ctx.store, params.id);
      if (!existing) throw new ProblemError(404, 'Not Found', 'no such user');
      if (existing.role === 'admin' && existing.disabled === 0 && (await otherActiveAdmins(ctx.store, existing.id)) === 0) {
        throw new ProblemError(409, 'Conflict', 'this is the last enabled admin; create another admin first');
      }
      const user = await deleteUser(ctx.store, params.id);
      forgetCredentials(ctx);
      await ctx.audit.append({ actor: actorOf(principal), action: 'user.delete', target: `user:${user.name}` });
      return { status: 204 };
    },
  }),
];

/**
 * API tokens. Admins create tokens of any role for anyone and see all of
 * them; other users manage only their own, with their role or one that can
 * do less (GRANTABLE) and at most their collections. Tokens cannot manage
 * tokens unless they are admin tokens: a leaked token must not mint more.
 * The secret is in the creation answer only.
 */
import { z } from 'zod';
import { forgetCredentials } from '../auth/credential-cache.js';
import { createApiToken, getApiToken, GRANTABLE, listApiTokens, revokeApiToken, tokenViewSchema } from '../auth/api-tokens.js';
import { collectionNamesSchema, getUser, parseNames, roleSchema } from '../auth/users.js';
import type { ConsoleContext } from '../context.js';
import { ROLES, actorOf, type Principal } from '../principal.js';
import { ProblemError, route } from '../route.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const MAX_DAYS = 3650;

/** The user a principal acts for: itself, or the creator of an admin token. */
async function actingUserId(ctx: ConsoleContext, principal: Principal): Promise<string> {
  if (principal.kind === 'user') return principal.id;
  if (principal.role !== 'admin') throw new ProblemError(403, 'Forbidden', 'API tokens cannot manage tokens; log in as the user');
  const row = await ctx.store.db.selectFrom('api_tokens').select('created_by').where('id', '=', principal.id).executeTakeFirst();
  if (!row) throw new ProblemError(401, 'Unauthorized', 'the API token no longer exists');
  return row.created_by;
}

export const tokenRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/tokens',
    summary: 'List API tokens (admins: all; others: their own). Secrets are never shown again.',
    tag: 'tokens',
    access: ROLES,
    response: z.object({ items: z.array(tokenViewSchema) }),
    handler: async ({ principal }, ctx) => {
      const userId = await actingUserId(ctx, principal!);
      return { body: { items: await listApiTokens(ctx.store, principal!.role === 'admin' ? undefined : userId) } };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/tokens/:id',
    summary: 'One API token (admins: any; others: their own)',
    tag: 'tokens',
    access: ROLES,
    params: idParams,
    response: tokenViewSchema,
    handler: async ({ principal, params }, ctx) => {
      const userId = await actingUserId(ctx, principal!);
      const token = await getApiToken(ctx.store, params.id);
      if (!token || (principal!.role !== 'admin' && token.createdBy !== userId)) throw new ProblemError(404, 'Not Found', 'no such token');
      return { body: token };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/tokens',
    summary: 'Create an API token; the answer carries the secret once',
    tag: 'tokens',
    access: ROLES,
    body: z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'token names are 1-128 letters, digits, ".", "_", ":", "@" or "-"'),
      role: roleSchema.optional(),
      collections: collectionNamesSchema.optional(),
      expiresAt: z.iso.datetime({ offset: true }).optional(),
      expiresInDays: z.number().int().min(1).max(MAX_DAYS).optional(),
    }).refine((b) => !(b.expiresAt && b.expiresInDays), 'give expiresAt or expiresInDays, not both'),
    response: tokenViewSchema.extend({ token: z.string() }),
    handler: async ({ principal, body }, ctx) => {
      const p = principal!;
      const userId = await actingUserId(ctx, p);
      const user = await getUser(ctx.store, userId);
      if (!user) throw new ProblemError(401, 'Unauthorized', 'the creating user no longer exists');
      const role = body.role ?? p.role;
      let collections = body.collections;
      if (p.role !== 'admin') {
        if (!GRANTABLE[p.role].includes(role)) {
          throw new ProblemError(403, 'Forbidden', `a ${p.role} may create tokens with role ${GRANTABLE[p.role].join(' or ')} only`);
        }
        // A token never sees more than its creator: within their collections, or narrower when they have none and see everything.
        const own = parseNames(user.collections);
        if (own.length || p.scope !== null) {
          collections ??= own;
          const outside = collections.filter((c) => !own.includes(c));
          if (outside.length || (own.length && !collections.length)) {
            throw new ProblemError(403, 'Forbidden', `tokens are limited to your collections (${own.join(', ') || 'none'})`);
          }
        }
      }
      const expiresAt = body.expiresAt ?? (body.expiresInDays ? new Date(ctx.now().getTime() + body.expiresInDays * 86_400_000).toISOString() : null);
      const { view, secret } = await createApiToken(ctx.store, { name: body.name, role, collections: collections ?? [], expiresAt, createdBy: user.id }, ctx.now());
      await ctx.audit.append({ actor: actorOf(p), action: 'token.create', target: `token:${view.name}`, detail: { id: view.id, role, collections: view.collections, expiresAt: view.expiresAt } });
      return { status: 201, headers: { location: `/api/v1/tokens/${view.id}` }, body: { ...view, token: secret } };
    },
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/tokens/:id',
    summary: 'Revoke an API token (admins: any; others: their own); it stops working at once',
    tag: 'tokens',
    access: ROLES,
    params: idParams,
    handler: async ({ principal, params }, ctx) => {
      const userId = await actingUserId(ctx, principal!);
      const token = await getApiToken(ctx.store, params.id);
      if (!token || (principal!.role !== 'admin' && token.createdBy !== userId)) throw new ProblemError(404, 'Not Found', 'no such token');
      const revoked = await revokeApiToken(ctx.store, params.id, ctx.now());
      forgetCredentials(ctx);
      await ctx.audit.append({ actor: actorOf(principal), action: 'token.revoke', target: `token:${revoked.name}`, detail: { id: revoked.id } });
      return { status: 204 };
    },
  }),
];

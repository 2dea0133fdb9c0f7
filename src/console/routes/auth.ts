/**
 * Logging in and out, the caller's own identity, and changing one's own
 * password. Login is throttled per user name and per client address, and
 * answers unknown users exactly like wrong passwords.
 */
import { z } from 'zod';
import { forgetCredentials } from '../auth/credential-cache.js';
import { loginLimiterFor } from '../auth/login-limiter.js';
import { verifyPassword, hashPassword, PASSWORD_MAX } from '../auth/password.js';
import { createSession, deleteSession, sessionCookie, SESSION_COOKIE_PLAIN, SESSION_COOKIE_TLS } from '../auth/sessions.js';
import { findUserByName, getUser, passwordSchema, userView, userViewSchema } from '../auth/users.js';
import { ROLES, actorOf } from '../principal.js';
import { ProblemError, route } from '../route.js';

const loginBody = z.strictObject({
  name: z.string().min(1).max(128),
  password: z.string().min(1).max(PASSWORD_MAX),
});

const scopeSchema = z.object({
  images: z.array(z.string()).optional(),
  registries: z.array(z.string()).optional(),
  namespaces: z.array(z.string()).optional(),
  hosts: z.array(z.string()).optional(),
}).nullable();

function readCookie(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const header = headers.cookie;
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return undefined;
  for (const part of text.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE_TLS || name === SESSION_COOKIE_PLAIN) return rest.join('=');
  }
  return undefined;
}

export const authRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/auth/login',
    summary: 'Log in: sets the session cookie and returns the CSRF token for mutating requests',
    tag: 'auth',
    access: 'public',
    bodyLimit: 8 * 1024,
    body: loginBody,
    response: z.object({ user: userViewSchema, csrfToken: z.string(), expiresAt: z.string() }),
    handler: async ({ body, ip }, ctx) => {
      const now = ctx.now();
      const limiter = loginLimiterFor(ctx);
      const nameKey = `name:${body.name.toLowerCase()}`;
      const keys = [nameKey, `ip:${ip}`];
      const wait = limiter.retryAfter(keys, now);
      if (wait > 0) {
        await ctx.audit.append({ actor: 'anonymous', action: 'auth.login.failed', target: `user:${body.name}`, detail: { ip, reason: 'throttled' } });
        throw new ProblemError(429, 'Too Many Requests', `too many failed logins; try again in ${wait} s`, { retryAfter: wait });
      }
      const user = await findUserByName(ctx.store, body.name);
      // verifyPassword hashes even for unknown names, so both failures take as long.
      const passwordOk = await verifyPassword(user?.password_hash, body.password);
      if (!user || !passwordOk || user.disabled === 1) {
        limiter.fail(keys, now);
        await ctx.audit.append({ actor: 'anonymous', action: 'auth.login.failed', target: `user:${body.name}`, detail: { ip, reason: 'bad-credentials' } });
        throw new ProblemError(401, 'Unauthorized', 'wrong user name or password');
      }
      limiter.succeed(nameKey);
      const secure = ctx.config.tls.mode !== 'none';
      const session = await createSession(ctx.store, user.id, now, ctx.config.sessionTtlMinutes);
      await ctx.audit.append({ actor: `user:${user.name}`, action: 'auth.login', target: `user:${user.name}`, detail: { ip } });
      return {
        headers: { 'set-cookie': sessionCookie(secure, session.cookie, ctx.config.sessionTtlMinutes * 60) },
        body: { user: userView(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt },
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/auth/logout',
    summary: 'Log out: ends the session (no effect for token requests)',
    tag: 'auth',
    access: ROLES,
    handler: async ({ principal, headers }, ctx) => {
      const cookie = readCookie(headers);
      if (principal?.kind === 'user' && cookie) {
        await deleteSession(ctx.store, cookie);
        forgetCredentials(ctx);
        await ctx.audit.append({ actor: actorOf(principal), action: 'auth.logout', target: `user:${principal.name}` });
      }
      const secure = ctx.config.tls.mode !== 'none';
      return { status: 204, headers: { 'set-cookie': sessionCookie(secure, '', 0) } };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/auth/me',
    summary: 'Who the caller is: kind, name, role and the scope their collections give',
    tag: 'auth',
    access: ROLES,
    response: z.object({ kind: z.enum(['user', 'token']), id: z.string(), name: z.string(), role: z.enum(ROLES), scope: scopeSchema }),
    handler: async ({ principal }) => {
      const p = principal!;
      return { body: { kind: p.kind, id: p.id, name: p.name, role: p.role, scope: p.scope } };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/auth/password',
    summary: 'Change one\'s own password (logged-in users); ends every session of the user',
    tag: 'auth',
    access: ROLES,
    bodyLimit: 8 * 1024,
    body: z.strictObject({ currentPassword: z.string().min(1).max(PASSWORD_MAX), newPassword: passwordSchema }),
    handler: async ({ principal, body }, ctx) => {
      if (principal?.kind !== 'user') throw new ProblemError(403, 'Forbidden', 'API tokens have no password; log in as the user');
      const user = await getUser(ctx.store, principal.id);
      if (!user || !(await verifyPassword(user.password_hash, body.currentPassword))) {
        throw new ProblemError(403, 'Forbidden', 'the current password is wrong');
      }
      await ctx.store.db.updateTable('users').set({ password_hash: await hashPassword(body.newPassword), updated_at: ctx.now().toISOString() }).where('id', '=', user.id).execute();
      await ctx.store.db.deleteFrom('sessions').where('user_id', '=', user.id).execute();
      forgetCredentials(ctx);
      await ctx.audit.append({ actor: actorOf(principal), action: 'user.password', target: `user:${user.name}` });
      return { status: 204 };
    },
  }),
];

/**
 * Who is calling: `Authorization: Bearer bh_…` (an API token) wins over the
 * session cookie; neither means anonymous. A credential that is present but
 * wrong, expired, revoked or belongs to a disabled user is a 401 — never a
 * silent fall-back to anonymous.
 */
import type { ConsoleContext } from '../context.js';
import { ROLES, type Principal, type Role } from '../principal.js';
import { ProblemError } from '../route.js';
import { cachedCredential, rememberCredential } from './credential-cache.js';
import { resolveScope } from './resolve-scope.js';
import { secretDigest } from './secret-digest.js';
import { SESSION_COOKIE_PLAIN, SESSION_COOKIE_TLS } from './sessions.js';
import { TOKEN_PATTERN } from './api-tokens.js';
import { parseNames } from './users.js';

export interface Credentials {
  readonly authorization?: string | undefined;
  readonly cookies: Readonly<Record<string, string | undefined>>;
}

export interface Authenticated {
  readonly principal: Principal;
  readonly via: 'token' | 'session';
}

/** last_used_at is written at most this often per token: a busy CI token must not turn every read into a write. */
const LAST_USED_GRANULARITY_MS = 60_000;

function isRole(role: string): role is Role {
  return (ROLES as readonly string[]).includes(role);
}

const invalidToken = (): ProblemError =>
  new ProblemError(401, 'Unauthorized', 'the API token is invalid, expired or revoked', { wwwAuthenticate: 'Bearer error="invalid_token"' });

export async function authenticate(ctx: ConsoleContext, credentials: Credentials): Promise<Authenticated | undefined> {
  const now = ctx.now();
  const nowText = now.toISOString();
  if (credentials.authorization !== undefined) {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(credentials.authorization);
    if (!match) throw new ProblemError(401, 'Unauthorized', 'the Authorization header must be "Bearer <token>"', { wwwAuthenticate: 'Bearer' });
    const secret = match[1] as string;
    if (!TOKEN_PATTERN.test(secret)) throw invalidToken();
    const digest = secretDigest(secret);
    const cached = cachedCredential(ctx, digest);
    if (cached) {
      if (cached.expiresAt !== null && cached.expiresAt <= nowText) throw invalidToken();
      return cached;
    }
    const row = await ctx.store.db.selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.created_by')
      .select(['api_tokens.id', 'api_tokens.name', 'api_tokens.role', 'api_tokens.collections', 'api_tokens.expires_at', 'api_tokens.revoked_at', 'api_tokens.last_used_at', 'users.disabled'])
      .where('api_tokens.secret_hash', '=', digest)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || row.disabled === 1 || !isRole(row.role)) throw invalidToken();
    if (row.expires_at !== null && row.expires_at <= nowText) throw invalidToken();
    if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) >= LAST_USED_GRANULARITY_MS) {
      await ctx.store.db.updateTable('api_tokens').set({ last_used_at: nowText }).where('id', '=', row.id).execute();
    }
    const scope = await resolveScope(ctx.store, row.role, parseNames(row.collections));
    const found = { via: 'token' as const, principal: { kind: 'token' as const, id: row.id, name: row.name, role: row.role, scope } };
    rememberCredential(ctx, digest, { ...found, expiresAt: row.expires_at });
    return found;
  }
  const cookie = credentials.cookies[SESSION_COOKIE_TLS] ?? credentials.cookies[SESSION_COOKIE_PLAIN];
  if (cookie === undefined || cookie === '') return undefined;
  if (cookie.length > 200) throw new ProblemError(401, 'Unauthorized', 'the session has expired or was ended; log in again');
  const digest = secretDigest(cookie);
  const cached = cachedCredential(ctx, digest);
  if (cached && (cached.expiresAt === null || cached.expiresAt > nowText)) return cached;
  const row = await ctx.store.db.selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.name', 'users.role', 'users.collections', 'users.disabled', 'sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.id', '=', digest)
    .executeTakeFirst();
  if (!row || row.disabled === 1 || row.expires_at <= nowText || !isRole(row.role)) {
    throw new ProblemError(401, 'Unauthorized', 'the session has expired or was ended; log in again');
  }
  const scope = await resolveScope(ctx.store, row.role, parseNames(row.collections));
  const found = { via: 'session' as const, principal: { kind: 'user' as const, id: row.id, name: row.name, role: row.role, scope, csrfToken: row.csrf_token } };
  rememberCredential(ctx, digest, { ...found, expiresAt: row.expires_at });
  return found;
}

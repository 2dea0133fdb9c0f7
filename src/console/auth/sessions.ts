/**
 * Browser sessions: a random cookie (only its sha256 is stored) and a CSRF
 * token the client echoes in `x-csrf-token` on every mutating request. The
 * cookie is HttpOnly, SameSite=Strict and, over TLS, Secure with the
 * `__Host-` prefix (no Domain, Path=/), so it cannot be set by a sibling host.
 */
import type { Store } from '../../store/open-store.js';
import { newSecret, secretDigest } from './secret-digest.js';

export const SESSION_COOKIE_TLS = '__Host-bulkhead_session';
export const SESSION_COOKIE_PLAIN = 'bulkhead_session';

export function sessionCookieName(secure: boolean): string {
  return secure ? SESSION_COOKIE_TLS : SESSION_COOKIE_PLAIN;
}

export function sessionCookie(secure: boolean, value: string, maxAgeSeconds: number): string {
  const parts = [`${sessionCookieName(secure)}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

export interface NewSession {
  readonly cookie: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

export async function createSession(store: Store, userId: string, now: Date, ttlMinutes: number): Promise<NewSession> {
  const cookie = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.getTime() + ttlMinutes * 60_000).toISOString();
  // Expired sessions are swept here rather than by a job: logins are rare and the delete is indexed by nothing it needs.
  await store.db.deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).execute();
  await store.db.insertInto('sessions').values({
    id: secretDigest(cookie),
    user_id: userId,
    csrf_token: csrfToken,
    created_at: now.toISOString(),
    expires_at: expiresAt,
  }).execute();
  return { cookie, csrfToken, expiresAt };
}

export async function deleteSession(store: Store, cookie: string): Promise<void> {
  await store.db.deleteFrom('sessions').where('id', '=', secretDigest(cookie)).execute();
}

/**
 * The registries the console watches: where they are, the credentials it
 * pulls with (the password or token sealed at rest under the console's
 * secret key and never shown again), which repositories to scan, how often,
 * and the secret their notification webhook must send. Scheduled syncs and
 * push notifications turn into scan jobs (registry-sync.ts, registry-notifications.ts).
 *
 * The notification secret is an API token of the registry's own, of the
 * least role (developer, no collections: it sees nothing), named
 * `registry-notifications:<name>`: the registry authenticates like any API
 * client, and the token shows up, expires and is revoked like any other.
 * The registry row keeps its digest, so only that token is accepted on that
 * registry's endpoint.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { compileGlob } from '../../policy/glob.js';
import type { Store } from '../../store/open-store.js';
import type { RegistryTable } from '../../store/schema.js';
import { createApiToken } from '../auth/api-tokens.js';
import { openSecret, sealSecret } from '../secrets/seal.js';

export type RegistryRow = Selectable<RegistryTable>;

const globSchema = z.string().min(1).max(256).superRefine((pattern, issue) => {
  try {
    compileGlob(pattern);
  } catch (error) {
    issue.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** The registry's base URL: scheme and host[:port] only — the Distribution API lives at /v2/. */
export const registryUrlSchema = z.string().max(2048).transform((text, issue) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    issue.addIssue({ code: 'custom', message: 'not a URL (give https://host[:port])' });
    return z.NEVER;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') issue.addIssue({ code: 'custom', message: 'only https:// (or http:// for a plain-HTTP registry) is supported' });
  if (url.username || url.password) issue.addIssue({ code: 'custom', message: 'put credentials in username/password, not in the URL' });
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) issue.addIssue({ code: 'custom', message: 'give the registry root only (https://host[:port]), without a path' });
  return url.origin;
});

export const registryNameSchema = z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit');

export const registryInputSchema = z.strictObject({
  name: registryNameSchema,
  url: registryUrlSchema,
  username: z.string().min(1).max(256).optional(),
  /** Password or access token; sealed at rest, never returned. */
  password: z.string().min(1).max(8192).optional(),
  /** Repository globs inside the registry ('team-a/*', 'library/**'); empty = every repository in the catalog. */
  repositories: z.array(globSchema).max(200).default([]),
  /** Minutes between scheduled syncs; 0 = only on push notifications. */
  intervalMinutes: z.number().int().min(0).max(525_600).default(60),
  environment: z.string().min(1).max(100).optional(),
});
export type RegistryInput = z.infer<typeof registryInputSchema>;

export const registryPatchSchema = z.strictObject({
  name: registryNameSchema.optional(),
  url: registryUrlSchema.optional(),
  username: z.string().min(1).max(256).nullable().optional(),
  /** A new secret, or null to forget the stored one. */
  password: z.string().min(1).max(8192).nullable().optional(),
  repositories: z.array(globSchema).max(200).optional(),
  intervalMinutes: z.number().int().min(0).max(525_600).optional(),
  environment: z.string().min(1).max(100).nullable().optional(),
}).refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type RegistryPatch = z.infer<typeof registryPatchSchema>;

export const lastSyncSchema = z.object({
  at: z.string(),
  repositories: z.number().int(),
  tags: z.number().int(),
  enqueued: z.number().int(),
  error: z.string().optional(),
});
export type LastSync = z.infer<typeof lastSyncSchema>;

export const registryViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  /** host[:port] as image references name it ('docker.io' for Docker Hub). */
  domain: z.string(),
  username: z.string().nullable(),
  hasPassword: z.boolean(),
  repositories: z.array(z.string()),
  intervalMinutes: z.number().int(),
  environment: z.string().nullable(),
  lastScanAt: z.string().nullable(),
  nextSyncAt: z.string().nullable(),
  lastSync: lastSyncSchema.nullable(),
  /** Where the registry's notification endpoint should post (path on this console). */
  notificationPath: z.string(),
  createdAt: z.string(),
});
export type RegistryView = z.infer<typeof registryViewSchema>;

const DOCKER_HUB_API_HOSTS = new Set(['registry-1.docker.io', 'index.docker.io', 'registry.hub.docker.com']);

/** The registry's name in image references: host[:port], and 'docker.io' for Docker Hub's API host. */
export function registryDomain(url: string): string {
  const host = new URL(url).host;
  return DOCKER_HUB_API_HOSTS.has(host) ? 'docker.io' : host;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseJsonArray(text: string): string[] {
  const parsed = z.array(z.string()).safeParse(parseJson(text));
  return parsed.success ? parsed.data : [];
}

function parseLastSync(text: string | null): LastSync | null {
  if (text === null) return null;
  const parsed = lastSyncSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

export function registryView(row: RegistryRow): RegistryView {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    domain: registryDomain(row.url),
    username: row.username,
    hasPassword: row.secret_sealed !== null,
    repositories: parseJsonArray(row.repositories),
    intervalMinutes: row.interval_minutes,
    environment: row.environment,
    lastScanAt: row.last_scan_at,
    nextSyncAt: row.next_sync_at,
    lastSync: parseLastSync(row.last_sync),
    notificationPath: `/api/v1/registries/${row.id}/notifications`,
    createdAt: row.created_at,
  };
}

/** The repository globs as stored (validated when they were). */
export function repositoryGlobs(row: RegistryRow): string[] {
  return parseJsonArray(row.repositories);
}

/** The repository globs compiled; an empty list admits every repository. */
export function repositoryFilter(row: RegistryRow): (repository: string) => boolean {
  const globs = repositoryGlobs(row).map((g) => compileGlob(g));
  return (repository) => globs.length === 0 || globs.some((g) => g.test(repository));
}

/** The credentials the console pulls with. */
export function registryCredentials(row: RegistryRow, key: Buffer): { username?: string; password?: string } {
  return {
    ...(row.username !== null ? { username: row.username } : {}),
    ...(row.secret_sealed !== null ? { password: openSecret(key, row.secret_sealed) } : {}),
  };
}

export class RegistryNameTakenError extends Error {}

async function nameTaken(store: Store, name: string, except?: string): Promise<boolean> {
  let q = store.db.selectFrom('registries').select('id').where('name', '=', name);
  if (except) q = q.where('id', '!=', except);
  return (await q.executeTakeFirst()) !== undefined;
}

/** The user behind a principal: itself, or the user who created the token. */
export async function creatingUser(store: Store, principal: { readonly kind: 'user' | 'token'; readonly id: string }): Promise<string> {
  if (principal.kind === 'user') return principal.id;
  const row = await store.db.selectFrom('api_tokens').select('created_by').where('id', '=', principal.id).executeTakeFirstOrThrow();
  return row.created_by;
}

async function issueNotificationToken(store: Store, registryName: string, createdBy: string, now: Date): Promise<{ secret: string; hash: string }> {
  const { secret, view } = await createApiToken(store, { name: `registry-notifications:${registryName}`, role: 'developer', collections: [], createdBy }, now);
  const row = await store.db.selectFrom('api_tokens').select('secret_hash').where('id', '=', view.id).executeTakeFirstOrThrow();
  return { secret, hash: row.secret_hash };
}

async function revokeNotificationToken(store: Store, hash: string | null, now: Date): Promise<void> {
  if (hash === null) return;
  await store.db.updateTable('api_tokens').set({ revoked_at: now.toISOString() }).where('secret_hash', '=', hash).where('revoked_at', 'is', null).execute();
}

/** Creates a registry; returns it and its notification secret (shown this once). */
export async function createRegistry(store: Store, key: Buffer, input: RegistryInput, createdBy: string, now: Date): Promise<{ row: RegistryRow; notificationSecret: string }> {
  if (await nameTaken(store, input.name)) throw new RegistryNameTakenError(`a registry named ${input.name} exists`);
  const token = await issueNotificationToken(store, input.name, createdBy, now);
  const notificationSecret = token.secret;
  const row: RegistryRow = {
    id: randomUUID(),
    name: input.name,
    url: input.url,
    username: input.username ?? null,
    secret_sealed: input.password !== undefined ? sealSecret(key, input.password) : null,
    repositories: JSON.stringify(input.repositories),
    interval_minutes: input.intervalMinutes,
    environment: input.environment ?? null,
    last_scan_at: null,
    created_at: now.toISOString(),
    notification_secret_hash: token.hash,
    // The first scheduled sync is due at once.
    next_sync_at: input.intervalMinutes > 0 ? now.toISOString() : null,
    last_sync: null,
  };
  await store.db.insertInto('registries').values(row).execute();
  return { row, notificationSecret };
}

export async function listRegistries(store: Store): Promise<RegistryRow[]> {
  return store.db.selectFrom('registries').selectAll().orderBy('name').execute();
}

export async function getRegistry(store: Store, id: string): Promise<RegistryRow | undefined> {
  return store.db.selectFrom('registries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateRegistry(store: Store, key: Buffer, row: RegistryRow, patch: RegistryPatch, now: Date): Promise<RegistryRow> {
  if (patch.name !== undefined && (await nameTaken(store, patch.name, row.id))) throw new RegistryNameTakenError(`a registry named ${patch.name} exists`);
  const changes: Partial<RegistryRow> = {};
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.url !== undefined) changes.url = patch.url;
  if (patch.username !== undefined) changes.username = patch.username;
  if (patch.password !== undefined) changes.secret_sealed = patch.password === null ? null : sealSecret(key, patch.password);
  if (patch.repositories !== undefined) changes.repositories = JSON.stringify(patch.repositories);
  if (patch.environment !== undefined) changes.environment = patch.environment;
  if (patch.intervalMinutes !== undefined) {
    changes.interval_minutes = patch.intervalMinutes;
    // A new interval counts from now; switching the schedule off clears it.
    changes.next_sync_at = patch.intervalMinutes > 0 ? new Date(now.getTime() + patch.intervalMinutes * 60_000).toISOString() : null;
  }
  await store.db.updateTable('registries').set(changes).where('id', '=', row.id).execute();
  return { ...row, ...changes };
}

export async function deleteRegistry(store: Store, row: RegistryRow, now: Date): Promise<boolean> {
  const result = await store.db.deleteFrom('registries').where('id', '=', row.id).executeTakeFirst();
  await revokeNotificationToken(store, row.notification_secret_hash, now);
  return Number(result.numDeletedRows) > 0;
}

/** A fresh notification secret (the old token is revoked); returns it, shown this once. */
export async function rotateNotificationSecret(store: Store, row: RegistryRow, createdBy: string, now: Date): Promise<string> {
  const token = await issueNotificationToken(store, row.name, createdBy, now);
  await store.db.updateTable('registries').set({ notification_secret_hash: token.hash }).where('id', '=', row.id).execute();
  await revokeNotificationToken(store, row.notification_secret_hash, now);
  return token.secret;
}

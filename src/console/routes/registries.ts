/**
 * Registries the console watches: register one with its credentials
 * (sealed at rest, never returned), repositories to scan and a sync
 * interval; list, change, delete; sync now; rotate the notification
 * secret. And the public endpoint the registry's notifications post to,
 * authenticated by that per-registry secret.
 */
import { z } from 'zod';
import { scopeAdmits } from '../auth/scope-allows.js';
import { actorOf, type Principal } from '../principal.js';
import { ProblemError, route } from '../route.js';
import {
  createRegistry, creatingUser, deleteRegistry, getRegistry, listRegistries, registryDomain, registryInputSchema, RegistryNameTakenError,
  registryPatchSchema, registryView, registryViewSchema, rotateNotificationSecret, updateRegistry, type RegistryRow,
} from '../registries/registries.js';
import { handleNotifications, MAX_NOTIFICATION_EVENTS, notificationAuthorized, notificationEnvelopeSchema } from '../registries/registry-notifications.js';
import { REGISTRY_SYNC_JOB, type RegistrySyncJob } from '../registries/registry-sync.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });

function visible(principal: Principal | undefined, row: RegistryRow): boolean {
  return principal !== undefined && scopeAdmits(principal.scope, { registry: registryDomain(row.url) });
}

async function found(id: string, principal: Principal | undefined, load: (id: string) => Promise<RegistryRow | undefined>): Promise<RegistryRow> {
  const row = await load(id);
  if (!row || !visible(principal, row)) throw new ProblemError(404, 'Not Found', 'no such registry');
  return row;
}

function nameConflict(error: unknown): never {
  if (error instanceof RegistryNameTakenError) throw new ProblemError(409, 'Conflict', error.message);
  throw error;
}

const createdSchema = registryViewSchema.extend({
  /** The secret the registry's notification endpoint must send as `Authorization: Bearer …`; shown once. */
  notificationSecret: z.string(),
});

export const registryRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/registries',
    summary: 'List watched registries (never their secrets)',
    tag: 'registries',
    access: ['secops', 'auditor', 'developer'],
    response: z.object({ items: z.array(registryViewSchema) }),
    handler: async ({ principal }, ctx) => ({
      body: { items: (await listRegistries(ctx.store)).filter((r) => visible(principal, r)).map(registryView) },
    }),
  }),
  route({
    method: 'POST',
    url: '/api/v1/registries',
    summary: 'Register a registry to watch; answers its notification secret once',
    tag: 'registries',
    access: ['secops'],
    body: registryInputSchema,
    response: createdSchema,
    handler: async ({ body, principal }, ctx) => {
      const { row, notificationSecret } = await createRegistry(ctx.store, ctx.config.secretKey, body, await creatingUser(ctx.store, principal!), ctx.now()).catch(nameConflict);
      await ctx.audit.append({
        actor: actorOf(principal),
        action: 'registry.create',
        target: `registry:${row.name}`,
        detail: { url: row.url, username: row.username, hasPassword: row.secret_sealed !== null, repositories: body.repositories, intervalMinutes: row.interval_minutes },
      });
      return { status: 201, headers: { location: `/api/v1/registries/${row.id}` }, body: { ...registryView(row), notificationSecret } };
    },
  }),
  route({
    method: 'GET',
    url: '/api/v1/registries/:id',
    summary: 'One watched registry, with its last sync',
    tag: 'registries',
    access: ['secops', 'auditor', 'developer'],
    params: idParams,
    response: registryViewSchema,
    handler: async ({ params, principal }, ctx) => ({ body: registryView(await found(params.id, principal, (id) => getRegistry(ctx.store, id))) }),
  }),
  route({
    method: 'PATCH',
    url: '/api/v1/registries/:id',
    summary: 'Change a registry (password null forgets the stored one)',
    tag: 'registries',
    access: ['secops'],
    params: idParams,
    body: registryPatchSchema,
    response: registryViewSchema,
    handler: async ({ params, body, principal }, ctx) => {
      const row = await found(params.id, principal, (id) => getRegistry(ctx.store, id));
      const updated = await updateRegistry(ctx.store, ctx.config.secretKey, row, body, ctx.now()).catch(nameConflict);
      const { password, ...shown } = body;
      await ctx.audit.append({
        actor: actorOf(principal),
        action: 'registry.update',
        target: `registry:${updated.name}`,
        detail: { ...shown, ...(password !== undefined ? { password: password === null ? 'removed' : 'changed' } : {}) },
      });
      return { body: registryView(updated) };
    },
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/registries/:id',
    summary: 'Stop watching a registry (its images stay in the inventory)',
    tag: 'registries',
    access: ['secops'],
    params: idParams,
    handler: async ({ params, principal }, ctx) => {
      const row = await found(params.id, principal, (id) => getRegistry(ctx.store, id));
      await deleteRegistry(ctx.store, row, ctx.now());
      await ctx.audit.append({ actor: actorOf(principal), action: 'registry.delete', target: `registry:${row.name}`, detail: { url: row.url } });
      return { status: 204 };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/registries/:id/sync',
    summary: 'Sync a registry now: list its repositories and tags, scan digests not yet known',
    tag: 'registries',
    access: ['secops'],
    params: idParams,
    response: z.object({ jobId: z.string() }),
    handler: async ({ params, principal }, ctx) => {
      const row = await found(params.id, principal, (id) => getRegistry(ctx.store, id));
      const payload: RegistrySyncJob = { registryId: row.id, requestedBy: actorOf(principal) };
      const jobId = await ctx.jobs.enqueue(REGISTRY_SYNC_JOB, payload, { maxAttempts: 3 });
      await ctx.audit.append({ actor: actorOf(principal), action: 'registry.sync', target: `registry:${row.name}`, detail: { job: jobId } });
      return { status: 202, headers: { location: `/api/v1/jobs/${jobId}` }, body: { jobId } };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/registries/:id/notification-secret',
    summary: 'Replace the registry\'s notification secret (the old one stops working); answers the new one once',
    tag: 'registries',
    access: ['secops'],
    params: idParams,
    response: z.object({ notificationSecret: z.string() }),
    handler: async ({ params, principal }, ctx) => {
      const row = await found(params.id, principal, (id) => getRegistry(ctx.store, id));
      const notificationSecret = await rotateNotificationSecret(ctx.store, row, await creatingUser(ctx.store, principal!), ctx.now());
      await ctx.audit.append({ actor: actorOf(principal), action: 'registry.rotate-notification-secret', target: `registry:${row.name}` });
      return { body: { notificationSecret } };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/registries/:id/notifications',
    summary: `Distribution registry notifications (${'application/vnd.docker.distribution.events.v1+json'}, up to ${MAX_NOTIFICATION_EVENTS} events); Authorization: Bearer <the registry's notification secret>. Tagged manifest pushes are scanned.`,
    tag: 'registries',
    access: 'public',
    params: idParams,
    rawBody: true,
    bodyLimit: 1024 * 1024,
    response: z.object({ events: z.number(), pushes: z.number(), enqueued: z.array(z.string()), ignored: z.number() }),
    handler: async ({ params, headers, body }, ctx) => {
      const row = await getRegistry(ctx.store, params.id);
      const authorization = typeof headers.authorization === 'string' ? headers.authorization : undefined;
      // Unknown registry and wrong secret answer alike: the endpoint tells a stranger nothing.
      if (!row || !notificationAuthorized(row, authorization)) {
        throw new ProblemError(401, 'Unauthorized', 'send the registry\'s notification secret as "Authorization: Bearer <secret>"', { wwwAuthenticate: 'Bearer' });
      }
      // Validated after the secret check, so only the registry learns what is wrong with its envelope.
      const envelope = notificationEnvelopeSchema.safeParse(body);
      if (!envelope.success) {
        const issue = envelope.error.issues[0];
        throw new ProblemError(400, 'Bad Request', `not a notification envelope: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
      }
      const outcome = await handleNotifications(ctx, row, envelope.data);
      if (outcome.enqueued.length > 0) ctx.log.info({ registry: row.name, ...outcome }, 'registry notification: scans queued');
      return { body: outcome };
    },
  }),
];

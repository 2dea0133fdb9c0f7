/**
 * The Distribution registry's notification webhook: the registry posts an
 * envelope of events (application/vnd.docker.distribution.events.v1+json)
 * with the Authorization header its endpoint config carries. Each 'push' of
 * a tagged manifest or index in a watched repository becomes a scan job;
 * pulls, blob pushes, deletes and unknown actions are ignored. Pushes by
 * digest alone (the platform manifests of a multi-arch push) wait for the
 * tagged index that follows them.
 */
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES } from '../../image/manifest.js';
import { secretDigest } from '../auth/secret-digest.js';
import type { ConsoleContext } from '../context.js';
import { enqueueRegistryScan } from './enqueue-registry-scan.js';
import { repositoryFilter, type RegistryRow } from './registries.js';

export const NOTIFICATION_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';
export const MAX_NOTIFICATION_EVENTS = 1000;

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$/;

/** One event as distribution sends it; fields we do not use are let through unchecked. */
const eventSchema = z.looseObject({
  id: z.string().max(200).optional(),
  action: z.string().max(50),
  target: z.looseObject({
    mediaType: z.string().max(200).optional(),
    digest: z.string().max(200).optional(),
    repository: z.string().max(256).optional(),
    tag: z.string().max(128).optional(),
  }).optional(),
});

export const notificationEnvelopeSchema = z.strictObject({
  events: z.array(eventSchema).max(MAX_NOTIFICATION_EVENTS),
});
export type NotificationEnvelope = z.infer<typeof notificationEnvelopeSchema>;

/** Whether the Authorization header carries the registry's notification secret (`Bearer <secret>`). */
export function notificationAuthorized(registry: RegistryRow, authorization: string | undefined): boolean {
  if (!registry.notification_secret_hash || !authorization) return false;
  const m = /^Bearer\s+(\S{1,512})$/i.exec(authorization.trim());
  if (!m) return false;
  const sent = Buffer.from(secretDigest(m[1]!), 'hex');
  const stored = Buffer.from(registry.notification_secret_hash, 'hex');
  return sent.length === stored.length && timingSafeEqual(sent, stored);
}

export interface NotificationOutcome {
  readonly events: number;
  readonly pushes: number;
  readonly enqueued: readonly string[];
  readonly ignored: number;
}

export async function handleNotifications(ctx: ConsoleContext, registry: RegistryRow, envelope: NotificationEnvelope): Promise<NotificationOutcome> {
  const admits = repositoryFilter(registry);
  const enqueued: string[] = [];
  let pushes = 0;
  let ignored = 0;
  const seen = new Set<string>();
  for (const event of envelope.events) {
    const t = event.target;
    const type = t?.mediaType?.split(';')[0]?.trim() ?? '';
    const isImage = MANIFEST_MEDIA_TYPES.has(type) || INDEX_MEDIA_TYPES.has(type);
    if (event.action !== 'push' || !t || !isImage || !t.tag || !t.digest || !t.repository) {
      ignored++;
      continue;
    }
    if (!REPOSITORY.test(t.repository) || !/^sha256:[a-f0-9]{64}$/.test(t.digest) || !/^[\w][\w.-]{0,127}$/.test(t.tag) || !admits(t.repository)) {
      ignored++;
      continue;
    }
    pushes++;
    if (seen.has(t.digest)) continue;
    seen.add(t.digest);
    const job = await enqueueRegistryScan(ctx, registry, { repository: t.repository, tag: t.tag, digest: t.digest }, `registry:${registry.name}`);
    if (job) enqueued.push(job);
  }
  return { events: envelope.events.length, pushes, enqueued, ignored };
}

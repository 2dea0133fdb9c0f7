/**
 * Turns one image found in a watched registry (by a sync or a push
 * notification) into a 'scan.target' job — unless the console already knows
 * the digest (images table; for an index, any of its platform manifests
 * too) or a scan of it is already waiting or running.
 */
import { SCAN_TARGET_JOB, type ScanTargetJob } from '../inventory/image-assessment.js';
import type { ConsoleContext } from '../context.js';
import { registryDomain, type RegistryRow } from './registries.js';

export interface RegistryImage {
  /** Repository path inside the registry ('team-a/app'). */
  readonly repository: string;
  readonly tag?: string;
  /** Manifest (or index) digest. */
  readonly digest: string;
  /** Platform manifest digests when the digest is an index: any of them stored counts as known. */
  readonly platformDigests?: readonly string[];
}

const DIGEST = /^sha(256|384|512):[a-f0-9]{64,128}$/;

export async function isKnownOrPending(ctx: ConsoleContext, digests: readonly string[]): Promise<boolean> {
  const valid = digests.filter((d) => DIGEST.test(d));
  if (valid.length === 0) return false;
  const known = await ctx.store.db.selectFrom('images').select('digest').where('digest', 'in', valid).limit(1).executeTakeFirst();
  if (known) return true;
  // Digests are hex and a fixed prefix, so LIKE has no wildcard in them to misread.
  const pending = await ctx.store.db.selectFrom('jobs').select('id')
    .where('kind', '=', SCAN_TARGET_JOB)
    .where('state', 'in', ['queued', 'running'])
    .where((eb) => eb.or(valid.map((d) => eb('payload', 'like', `%@${d}"%`))))
    .limit(1).executeTakeFirst();
  return pending !== undefined;
}

/** Enqueues the scan; returns the job id, or undefined when the image is known or already queued. */
export async function enqueueRegistryScan(ctx: ConsoleContext, registry: RegistryRow, image: RegistryImage, requestedBy: string): Promise<string | undefined> {
  if (await isKnownOrPending(ctx, [image.digest, ...(image.platformDigests ?? [])])) return undefined;
  const payload: ScanTargetJob = {
    // Tag and digest: the worker pulls exactly this digest, and the inventory remembers the tag it was seen under.
    target: `${registryDomain(registry.url)}/${image.repository}${image.tag ? `:${image.tag}` : ''}@${image.digest}`,
    registryId: registry.id,
    requestedBy,
    ...(registry.environment ? { environment: registry.environment } : {}),
  };
  return ctx.jobs.enqueue(SCAN_TARGET_JOB, payload);
}

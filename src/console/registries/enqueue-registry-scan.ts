/**
 * Turns one image found in a watched registry (by a sync or a push
 * notification) into a 'scan.target' job — unless the console already knows
 * the digest (images table; for an index, any of its platform manifests
 * too), in which case the tag it was seen under is recorded on the stored
 * image, or a scan of it is already waiting or running.
 */
import { formatReference, parseImageReference, repositoryName } from '../../image/sources/image-reference.js';
import { decideStoredImage, SCAN_TARGET_JOB, type ScanTargetJob } from '../inventory/image-assessment.js';
import type { SeenReference } from '../inventory/image-identity.js';
import { recordTagsOfKnownImage } from '../inventory/record-image-tags.js';
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

/** The manifest's digest and, for an index, its platform manifests' — the valid ones. */
function digestsOf(image: RegistryImage): string[] {
  return [image.digest, ...(image.platformDigests ?? [])].filter((d) => DIGEST.test(d));
}

/** The stored images among the digests: the manifest's own, or for an index the platform manifests scanned from it. */
async function storedDigests(ctx: ConsoleContext, digests: readonly string[]): Promise<string[]> {
  if (digests.length === 0) return [];
  const rows = await ctx.store.db.selectFrom('images').select('digest').where('digest', 'in', digests).execute();
  return rows.map((r) => r.digest);
}

async function isPending(ctx: ConsoleContext, digests: readonly string[]): Promise<boolean> {
  // Digests are hex and a fixed prefix, so LIKE has no wildcard in them to misread.
  const pending = await ctx.store.db.selectFrom('jobs').select('id')
    .where('kind', '=', SCAN_TARGET_JOB)
    .where('state', 'in', ['queued', 'running'])
    .where((eb) => eb.or(digests.map((d) => eb('payload', 'like', `%@${d}"%`))))
    .limit(1).executeTakeFirst();
  return pending !== undefined;
}

function seenAs(registry: RegistryRow, image: RegistryImage & { tag: string }): SeenReference {
  const ref = parseImageReference(`${registryDomain(registry.url)}/${image.repository}:${image.tag}`);
  return { reference: formatReference(ref), repository: repositoryName(ref), tag: image.tag, registry: ref.domain };
}

/**
 * When the console holds the image, records the tag it was seen under (if
 * any) and answers true; an image seen in a repository it was not known by
 * is decided again, since rules scoped to that repository now apply to it.
 */
export async function recordKnownImage(ctx: ConsoleContext, registry: RegistryRow, image: RegistryImage): Promise<boolean> {
  const stored = await storedDigests(ctx, digestsOf(image));
  const { tag } = image;
  if (stored.length > 0 && tag !== undefined) {
    const now = ctx.now().toISOString();
    for (const digest of stored) {
      const recorded = await recordTagsOfKnownImage(ctx.store.db, digest, [seenAs(registry, { ...image, tag })], now);
      if (recorded.newRepository) await decideStoredImage(ctx, digest, { reason: 'new-name' });
    }
  }
  return stored.length > 0;
}

/**
 * Enqueues the scan; returns the job id, or undefined when the image is known
 * (its tag is then recorded) or already queued.
 */
export async function enqueueRegistryScan(ctx: ConsoleContext, registry: RegistryRow, image: RegistryImage, requestedBy: string): Promise<string | undefined> {
  if (await recordKnownImage(ctx, registry, image)) return undefined;
  const digests = digestsOf(image);
  if (digests.length > 0 && await isPending(ctx, digests)) return undefined;
  const payload: ScanTargetJob = {
    // Tag and digest: the worker pulls exactly this digest, and the inventory remembers the tag it was seen under.
    target: `${registryDomain(registry.url)}/${image.repository}${image.tag ? `:${image.tag}` : ''}@${image.digest}`,
    registryId: registry.id,
    requestedBy,
    ...(registry.environment ? { environment: registry.environment } : {}),
  };
  return ctx.jobs.enqueue(SCAN_TARGET_JOB, payload);
}

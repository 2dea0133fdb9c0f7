/**
 * Remembers that a stored image was seen under some tags: one image_tags row
 * per reference (first/last seen) and the repositories on the image row.
 * Uploads call it with the tags their identity names; registry syncs and push
 * notifications call it when a digest the console already holds appears
 * under a new tag, so no image has to be pulled again to learn its names.
 */
import type { Kysely } from 'kysely';
import type { StoreSchema } from '../../store/schema.js';
import type { SeenReference } from './image-identity.js';
import { jsonOr } from './image-views.js';

export async function recordImageTags(db: Kysely<StoreSchema>, digest: string, tags: readonly SeenReference[], now: string): Promise<void> {
  for (const t of tags) {
    await db
      .insertInto('image_tags')
      .values({ digest, reference: t.reference, repository: t.repository, tag: t.tag, first_seen: now, last_seen: now })
      .onConflict((oc) => oc.columns(['digest', 'reference']).doUpdateSet({ last_seen: now }))
      .execute();
  }
}

/**
 * Records tags of an image the console already holds, and adds their
 * repositories to it. Answers whether the digest is stored and whether it
 * gained a repository (its decision may then change: rule scopes match every name).
 */
export async function recordTagsOfKnownImage(db: Kysely<StoreSchema>, digest: string, tags: readonly SeenReference[], now: string): Promise<{ stored: boolean; newRepository: boolean }> {
  return db.transaction().execute(async (trx) => {
    const image = await trx.selectFrom('images').select('repositories').where('digest', '=', digest).executeTakeFirst();
    if (!image) return { stored: false, newRepository: false };
    const known = parseRepositories(image.repositories);
    const repositories = [...new Set([...known, ...tags.map((t) => t.repository)])];
    await trx.updateTable('images')
      .set({ last_seen: now, ...(repositories.length !== known.length ? { repositories: JSON.stringify(repositories) } : {}) })
      .where('digest', '=', digest)
      .execute();
    await recordImageTags(trx, digest, tags, now);
    return { stored: true, newRepository: repositories.length !== known.length };
  });
}

/** The JSON list of repositories on an image row; anything else reads as none. */
export function parseRepositories(json: string): string[] {
  return jsonOr<unknown[]>(json, [], Array.isArray).filter((v): v is string => typeof v === 'string');
}

/**
 * The 'registry.sync' job: walks a watched registry through the
 * Distribution API — repositories from /v2/_catalog (or the literal names
 * in its repository list, for registries without a catalog), tags from
 * /v2/<name>/tags/list, both paged by their Link headers — resolves each
 * tag's manifest digest and enqueues a scan of every digest the console
 * does not know yet; tags of digests it knows are recorded on those
 * images. Requests go through the image sources' registry client (auth
 * challenges, bearer tokens, redirects, size and time bounds).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BadInputError } from '../../domain/errors.js';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, MEDIA_TYPES, parseManifestDocument } from '../../image/manifest.js';
import { createRegistryClient, type RegistryClient } from '../../image/sources/registry-client.js';
import type { ConsoleContext } from '../context.js';
import { enqueueRegistryScan, recordKnownImage } from './enqueue-registry-scan.js';
import { getRegistry, registryCredentials, repositoryFilter, repositoryGlobs, type LastSync, type RegistryRow } from './registries.js';

export const REGISTRY_SYNC_JOB = 'registry.sync';

export const registrySyncJobSchema = z.strictObject({
  registryId: z.string().min(1).max(64),
  requestedBy: z.string().min(1).max(300),
});
export type RegistrySyncJob = z.infer<typeof registrySyncJobSchema>;

const PAGE = 100;
const MAX_PAGES = 1000;
const MAX_LIST_BYTES = 8 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const TIMEOUT_MS = 30_000;
/** Manifest requests in flight at once during a sync. */
const PARALLEL = 4;

const ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ');

const catalogSchema = z.object({ repositories: z.array(z.string().max(256)).nullable().optional() });
const tagsSchema = z.object({ name: z.string().optional(), tags: z.array(z.string().max(128)).nullable().optional() });

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const GLOB_CHARS = /[*?[\]{}]/;

/** The next page's query from a Link header (`</v2/_catalog?last=x&n=100>; rel="next"`), or undefined at the end. */
export function nextPageQuery(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(part);
    if (!m) continue;
    const url = new URL(m[1]!, 'http://registry.invalid');
    return url.search.startsWith('?') ? url.search : undefined;
  }
  return undefined;
}

interface ClientFactory {
  (repository: string): RegistryClient;
}

function clientFactory(registry: RegistryRow, key: Buffer): ClientFactory {
  const url = new URL(registry.url);
  const credentials = registryCredentials(registry, key);
  return (repository) => createRegistryClient({
    registry: registry.name,
    apiHost: url.host,
    repository,
    // An http:// registry URL is the admin's statement that it speaks plain HTTP.
    insecure: url.protocol === 'http:',
    ...(credentials.username !== undefined ? { credentials: { username: credentials.username, ...(credentials.password !== undefined ? { password: credentials.password } : {}) } } : {}),
    timeoutMs: TIMEOUT_MS,
  });
}

async function pagedList<T>(client: RegistryClient, first: string, schema: z.ZodType<T>, what: string, take: (page: T) => readonly string[]): Promise<string[]> {
  const out: string[] = [];
  let query: string | undefined = first;
  for (let page = 0; query !== undefined && page < MAX_PAGES; page++) {
    const { body, response } = await client.getDocument(query, 'application/json', MAX_LIST_BYTES, what);
    let parsed: T;
    try {
      parsed = schema.parse(JSON.parse(body.toString('utf8')));
    } catch (error) {
      throw new BadInputError(`${what}: the registry's answer is not the Distribution API's JSON`, { cause: error });
    }
    out.push(...take(parsed));
    query = nextPageQuery(response.headers.get('link'));
  }
  return out;
}

/** Repositories to sync: the catalog filtered by the globs, or the literal names when every entry is one. */
async function repositoriesOf(registry: RegistryRow, client: ClientFactory, pageSize: number): Promise<string[]> {
  const globs = repositoryGlobs(registry);
  if (globs.length > 0 && globs.every((g) => !GLOB_CHARS.test(g))) return globs.filter((g) => REPOSITORY.test(g));
  const admits = repositoryFilter(registry);
  let names: string[];
  try {
    // The client addresses /v2/<repository>/<path>: '_catalog' with an empty path is /v2/_catalog/,
    // which Distribution redirects to /v2/_catalog (query kept).
    names = await pagedList(client('_catalog'), `?n=${pageSize}`, catalogSchema, `catalog of ${registry.name}`, (p) => p.repositories ?? []);
  } catch (error) {
    if (error instanceof BadInputError && /manifest unknown/.test(error.message)) {
      throw new BadInputError(`registry ${registry.name} does not offer /v2/_catalog; list its repositories by name in the registry's repositories setting`, { cause: error });
    }
    throw error;
  }
  return [...new Set(names)].filter((n) => REPOSITORY.test(n) && admits(n)).sort();
}

interface ResolvedTag {
  readonly tag: string;
  readonly digest: string;
  readonly platformDigests: readonly string[];
}

/** The manifest digest of a tag: sha256 of the manifest bytes the registry serves (what a pull by digest asks for). */
async function resolveTag(client: RegistryClient, repository: string, tag: string): Promise<ResolvedTag | undefined> {
  let body: Buffer;
  let contentType: string | null;
  try {
    const doc = await client.getDocument(`manifests/${tag}`, ACCEPT, MAX_MANIFEST_BYTES, `${repository}:${tag}`);
    body = doc.body;
    contentType = doc.response.headers.get('content-type');
  } catch (error) {
    // Deleted between listing and resolving.
    if (error instanceof BadInputError && /manifest unknown/.test(error.message)) return undefined;
    throw error;
  }
  const declared = contentType?.split(';')[0]?.trim();
  const type = declared && (MANIFEST_MEDIA_TYPES.has(declared) || INDEX_MEDIA_TYPES.has(declared)) ? declared : undefined;
  const doc = parseManifestDocument(body, type, `${repository}:${tag}`);
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const platformDigests = doc.kind === 'index' ? doc.index.manifests.map((m) => m.digest) : [];
  return { tag, digest, platformDigests };
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

export interface SyncOptions {
  /** Entries asked for per catalog and tags page (default 100; the registry may send fewer). */
  readonly pageSize?: number;
}

/** Runs one sync of a registry; records and returns what it found. */
export async function syncRegistry(ctx: ConsoleContext, registryId: string, requestedBy: string, options: SyncOptions = {}): Promise<LastSync> {
  const pageSize = Math.max(1, Math.min(1000, options.pageSize ?? PAGE));
  const registry = await getRegistry(ctx.store, registryId);
  // Deleted since the job was queued: nothing to do, not a failure to retry.
  if (!registry) return { at: ctx.now().toISOString(), repositories: 0, tags: 0, enqueued: 0, error: 'registry no longer exists' };
  const client = clientFactory(registry, ctx.config.secretKey);
  let repositories = 0;
  let tags = 0;
  let enqueued = 0;
  const seen = new Set<string>();
  const record = async (error?: string): Promise<LastSync> => {
    const status: LastSync = { at: ctx.now().toISOString(), repositories, tags, enqueued, ...(error ? { error } : {}) };
    await ctx.store.db.updateTable('registries').where('id', '=', registry.id)
      .set({ last_sync: JSON.stringify(status), ...(error ? {} : { last_scan_at: status.at }) }).execute();
    return status;
  };
  try {
    const names = await repositoriesOf(registry, client, pageSize);
    repositories = names.length;
    for (const repository of names) {
      const repoClient = client(repository);
      const tagList = await pagedList(repoClient, `tags/list?n=${pageSize}`, tagsSchema, `tags of ${repository}`, (p) => p.tags ?? []);
      const valid = [...new Set(tagList)].filter((t) => TAG.test(t)).sort();
      tags += valid.length;
      await inBatches(valid, PARALLEL, async (tag) => {
        const resolved = await resolveTag(repoClient, repository, tag);
        if (!resolved) return;
        const image = { repository, tag, digest: resolved.digest, platformDigests: resolved.platformDigests };
        // Another tag of a digest this sync already handled: record the tag if the image is stored;
        // one queued for scanning gets its other tags on the next sync.
        if (seen.has(resolved.digest)) {
          await recordKnownImage(ctx, registry, image);
          return;
        }
        seen.add(resolved.digest);
        const job = await enqueueRegistryScan(ctx, registry, image, requestedBy);
        if (job) enqueued++;
      });
    }
  } catch (error) {
    await record((error as Error).message).catch(() => undefined);
    throw error;
  }
  const status = await record();
  ctx.log.info({ registry: registry.name, ...status }, 'registry synced');
  return status;
}

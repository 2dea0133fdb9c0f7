/**
 * The Docker daemon image source: asks the local Docker Engine about an
 * image (`GET /images/{name}/json`) and streams its `docker save` export
 * (`GET /images/{id}/get`) once, without a temporary copy. Layers come out
 * in stream order, identified by diffId where the save names them by it;
 * the reader places the rest by the diffId it computes.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { BadInputError, ImageFormatError } from '../../domain/errors.js';
import type { ImageMetadata } from '../../domain/image.js';
import { isDigest } from '../digest.js';
import { parseImageConfig } from '../image-config.js';
import type { ImageSource, LayerBlob } from '../image-source.js';
import { DEFAULT_LIMITS } from '../limits.js';
import type { ReadLimits } from '../limits.js';
import { parseManifestDocument } from '../manifest.js';
import { normalizePlatform, platformMatches } from '../platform.js';
import { parseImageReference } from './image-reference.js';
import { DEFAULT_DOCKER_HOST, DockerEngineError, createDockerEngineClient, engineMessage, readAll } from './docker-daemon-client.js';
import { walkDockerSave } from './docker-daemon-save.js';
import type { SaveDocuments } from './docker-daemon-save.js';

export interface DockerDaemonOptions {
  /** Engine address: `unix:///var/run/docker.sock` or `tcp://127.0.0.1:2375`; default DOCKER_HOST, then the standard socket. */
  readonly host?: string;
  readonly limits?: ReadLimits;
  /** Longest wait for an answer, and the longest silence inside the save stream (ms); default 120 s. */
  readonly timeoutMs?: number;
  readonly warn?: (message: string, path?: string) => void;
}

const DEFAULT_TIMEOUT_MS = 120_000;

const stringArray = z.array(z.string().max(1024)).max(10_000).nullish();
const inspectSchema = z.looseObject({
  Id: z.string().refine(isDigest, { message: 'not a digest' }),
  RepoTags: stringArray,
  RepoDigests: stringArray,
  Os: z.string().max(64).optional(),
  Architecture: z.string().max(64).optional(),
  Variant: z.string().max(64).nullish(),
  RootFS: z.looseObject({ Type: z.string(), Layers: z.array(z.string().refine(isDigest)).max(10_000).nullish() }),
});
type ImageInspect = z.infer<typeof inspectSchema>;

const legacyManifestSchema = z
  .array(z.looseObject({ Config: z.string().max(4096), Layers: z.array(z.string().max(4096)).max(10_000).nullish() }))
  .max(10_000);

const SHORT_ID = /^(?:sha256:)?[a-f0-9]{1,64}$/;

/** Only names and IDs go into the API path: anything else could address another endpoint (`../containers/…`). */
function checkName(name: string): void {
  if (SHORT_ID.test(name)) return;
  parseImageReference(name);
}

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Finds the image config among the JSON members of the save, and checks it is the one inspect named. */
function findConfig(inspect: ImageInspect, documents: SaveDocuments, what: string): { digest: string; bytes: Buffer } {
  const candidates: string[] = [inspect.Id];
  const byId = documents.byDigest.get(inspect.Id);
  if (byId) {
    // With the containerd image store the image ID is the manifest's (or index's) digest, not the config's.
    try {
      const doc = parseManifestDocument(byId, undefined, `${what} manifest`);
      if (doc.kind === 'manifest') candidates.push(doc.manifest.config.digest);
      else {
        const wanted = inspect.Os && inspect.Architecture ? { os: inspect.Os, architecture: inspect.Architecture, ...(inspect.Variant ? { variant: inspect.Variant } : {}) } : undefined;
        for (const entry of doc.index.manifests) {
          if (wanted && entry.platform && !platformMatches(entry.platform, normalizePlatform(wanted))) continue;
          const manifestBytes = documents.byDigest.get(entry.digest);
          if (!manifestBytes) continue;
          const inner = parseManifestDocument(manifestBytes, entry.mediaType, `${what} manifest`);
          if (inner.kind === 'manifest') candidates.push(inner.manifest.config.digest);
        }
      }
    } catch {
      // Not a manifest: then it is the config itself (classic store).
    }
  }
  if (documents.manifestJson) {
    let json: unknown;
    try {
      json = JSON.parse(documents.manifestJson.toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = legacyManifestSchema.safeParse(json);
    if (parsed.success) {
      for (const entry of parsed.data) {
        const hex = /(?:^|\/)([a-f0-9]{64})(?:\.json)?$/.exec(entry.Config)?.[1];
        if (hex) candidates.push(`sha256:${hex}`);
      }
    }
  }
  for (const digest of candidates) {
    const bytes = documents.byDigest.get(digest);
    if (!bytes) continue;
    if (sha256(bytes) !== digest) throw new ImageFormatError(`${what}: config ${digest} does not match its digest`);
    try {
      const json = JSON.parse(bytes.toString('utf8')) as { rootfs?: unknown };
      if (json.rootfs !== undefined) return { digest, bytes };
    } catch {
      // Not JSON: keep looking.
    }
  }
  throw new ImageFormatError(`${what}: the Docker Engine's export holds no image config for ${inspect.Id}`);
}

/**
 * Opens `name` (a reference such as `debian:12` or an image ID) in the
 * local Docker Engine. metadata() is complete once layers() has been
 * iterated; called first, it reads the export itself, skipping the layers.
 */
export async function openDockerDaemonImage(name: string, options: DockerDaemonOptions = {}): Promise<ImageSource> {
  checkName(name);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const warn = options.warn ?? (() => undefined);
  const client = createDockerEngineClient(options.host ?? process.env.DOCKER_HOST ?? DEFAULT_DOCKER_HOST, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const what = `${name} in the Docker Engine at ${client.endpoint.address}`;
  // Safe characters stay readable in the path; anything else is escaped.
  const pathName = name.replace(/[^A-Za-z0-9._\-/:@]/g, (c) => encodeURIComponent(c));

  const inspected = await client.getJson(`/images/${pathName}/json`, limits.maxJsonBytes);
  if (inspected.status === 404) throw new BadInputError(`image not found in the local Docker Engine: ${name} (docker pull it first)`);
  if (inspected.status !== 200) {
    throw new DockerEngineError(`the Docker Engine at ${client.endpoint.address} answered ${inspected.status} for ${name}: ${engineMessage(inspected.body)}`);
  }
  let inspect: ImageInspect;
  try {
    inspect = inspectSchema.parse(JSON.parse(inspected.body.toString('utf8')));
  } catch (error) {
    throw new DockerEngineError(`the Docker Engine at ${client.endpoint.address} sent an unexpected image description for ${name}`, { cause: error });
  }
  const diffIds = inspect.RootFS.Layers ?? [];
  const documents: SaveDocuments = { byDigest: new Map(), layerPaths: [] };
  let stream: IncomingMessage | undefined;
  let walked: Promise<void> | undefined;
  let walkDone = false;
  let metadata: ImageMetadata | undefined;

  async function* walk(): AsyncGenerator<LayerBlob> {
    const saved = await client.getStream(`/images/${inspect.Id}/get`);
    stream = saved.body;
    if (saved.status !== 200) {
      const text = engineMessage(await readAll(saved.body, 64 * 1024, 'error'));
      throw new DockerEngineError(`the Docker Engine at ${client.endpoint.address} could not export ${name}: ${saved.status} ${text}`);
    }
    // Socket trouble mid-export surfaces inside whichever layer is being read: name the Engine, not the layer.
    const timeoutSeconds = (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000;
    async function* chunks(): AsyncGenerator<Buffer> {
      try {
        for await (const chunk of saved.body as AsyncIterable<Buffer>) yield chunk;
      } catch (error) {
        throw new DockerEngineError(
          `the Docker Engine at ${client.endpoint.address} stopped sending the export of ${name} (nothing for ${timeoutSeconds}s, or the connection broke: ${(error as Error).message})`,
          { cause: error },
        );
      }
    }
    try {
      yield* walkDockerSave(chunks(), { imageId: inspect.Id, diffIds, limits, warn }, documents);
      walkDone = true;
    } catch (error) {
      if (error instanceof BadInputError || error instanceof DockerEngineError) throw error;
      throw new DockerEngineError(`reading the export of ${what} failed: ${(error as Error).message}`, { cause: error });
    } finally {
      saved.body.destroy();
    }
  }

  function buildMetadata(): ImageMetadata {
    const config = findConfig(inspect, documents, what);
    const repoDigest = inspect.RepoDigests?.[0];
    const manifestDigest = repoDigest?.slice(repoDigest.lastIndexOf('@') + 1);
    const built = parseImageConfig(config.bytes, {
      configDigest: config.digest,
      ...(manifestDigest && isDigest(manifestDigest) ? { manifestDigest } : {}),
      repoTags: inspect.RepoTags ?? [],
      repoDigests: inspect.RepoDigests ?? [],
    });
    const fromConfig = built.layers.map((l) => l.diffId);
    if (fromConfig.length !== diffIds.length || fromConfig.some((d, i) => d !== diffIds[i])) {
      throw new ImageFormatError(`${what}: the exported config's diff_ids differ from the Engine's RootFS.Layers`);
    }
    return built;
  }

  let layersStarted = false;
  return {
    kind: 'docker',
    reference: name,
    layers(): AsyncIterable<LayerBlob> {
      if (layersStarted) throw new Error('layers() of a Docker daemon source can only be iterated once');
      layersStarted = true;
      return walk();
    },
    async metadata() {
      if (metadata) return metadata;
      if (!walkDone) {
        if (layersStarted) throw new Error('metadata() of a Docker daemon source is only complete once layers() is exhausted');
        // Nobody asked for layers: read the export once, leaving every layer unopened (they are skipped, not kept).
        layersStarted = true;
        walked ??= (async () => {
          for await (const blob of walk()) void blob;
        })();
        await walked;
      }
      metadata = buildMetadata();
      return metadata;
    },
    async close() {
      stream?.destroy();
    },
  };
}

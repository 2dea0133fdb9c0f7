/**
 * Reads the daemon through the Engine API: /info, /version, the running
 * containers and each one's inspect document, the images and each one's
 * config. Every answer is bounded and validated; a container that vanishes
 * between the list and its inspect is kept with the reason.
 */
import type { z } from 'zod';
import { createDockerEngineClient, engineMessage } from '../../image/sources/docker-daemon-client.js';
import type { DockerEngineClient } from '../../image/sources/docker-daemon-client.js';
import {
  containerInspectSchema,
  containerListSchema,
  engineInfoSchema,
  engineVersionSchema,
  imageInspectSchema,
  imageListSchema,
} from './engine-schemas.js';
import type { ContainerInspect, EngineInfo, EngineVersion, ImageInspect } from './engine-schemas.js';
import { known, reasonOf, unknown } from './known.js';
import type { Known } from './known.js';

const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;
const MAX_LIST_BYTES = 32 * 1024 * 1024;
/** Inspects in flight at once: enough to hide latency, few enough not to load the daemon. */
const CONCURRENCY = 8;

export interface ContainerFacts {
  readonly id: string;
  readonly name: string;
  readonly inspect: Known<ContainerInspect>;
}

export interface ImageFacts {
  readonly id: string;
  readonly name: string;
  readonly inspect: Known<ImageInspect>;
}

export interface EngineFacts {
  readonly address: string;
  readonly info: EngineInfo;
  readonly version: Known<EngineVersion>;
  readonly containers: Known<readonly ContainerFacts[]>;
  readonly images: Known<readonly ImageFacts[]>;
  /** Engine API requests made, for the benchmark's reference figure. */
  readonly requests: number;
}

export interface EngineFactsOptions {
  readonly address: string;
  readonly timeoutMs?: number;
  readonly maxContainers?: number;
  readonly maxImages?: number;
}

export async function collectEngineFacts(options: EngineFactsOptions): Promise<Known<EngineFacts>> {
  let client: DockerEngineClient;
  try {
    client = createDockerEngineClient(options.address, options.timeoutMs ?? 10_000);
  } catch (error) {
    return unknown(reasonOf(error));
  }
  let requests = 0;
  const get = async <S extends z.ZodType>(path: string, schema: S, maxBytes: number): Promise<Known<z.infer<S>>> => {
    requests++;
    try {
      const { status, body } = await client.getJson(path, maxBytes);
      if (status !== 200) return unknown(`GET ${path} answered ${status}: ${engineMessage(body)}`);
      const parsed = schema.safeParse(JSON.parse(body.toString('utf8')));
      return parsed.success ? known(parsed.data) : unknown(`GET ${path}: unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    } catch (error) {
      return unknown(reasonOf(error));
    }
  };

  const info = await get('/info', engineInfoSchema, MAX_DOCUMENT_BYTES);
  if (!info.ok) return unknown(info.reason);
  const [version, containerList, imageList] = await Promise.all([
    get('/version', engineVersionSchema, MAX_DOCUMENT_BYTES),
    get('/containers/json', containerListSchema, MAX_LIST_BYTES),
    get('/images/json', imageListSchema, MAX_LIST_BYTES),
  ]);

  const containers: Known<readonly ContainerFacts[]> = containerList.ok
    ? known(
        await mapLimited(containerList.value.slice(0, options.maxContainers ?? 5000), CONCURRENCY, async (entry) => {
          const name = (entry.Names?.[0] ?? entry.Id.slice(0, 12)).replace(/^\//, '');
          const inspect = await get(`/containers/${entry.Id}/json`, containerInspectSchema, MAX_DOCUMENT_BYTES);
          const gone = !inspect.ok && /answered 404/.test(inspect.reason);
          return { id: entry.Id, name, inspect: gone ? unknown<ContainerInspect>('the container disappeared during the audit') : inspect };
        }),
      )
    : unknown(containerList.reason);

  const images: Known<readonly ImageFacts[]> = imageList.ok
    ? known(
        await mapLimited(imageList.value.slice(0, options.maxImages ?? 5000), CONCURRENCY, async (entry) => {
          const name = entry.RepoTags?.find((t) => t !== '<none>:<none>') ?? entry.Id.replace(/^sha256:/, '').slice(0, 12);
          const inspect = await get(`/images/${encodeURIComponent(entry.Id)}/json`, imageInspectSchema, MAX_DOCUMENT_BYTES);
          return { id: entry.Id, name, inspect };
        }),
      )
    : unknown(imageList.reason);

  return known({ address: options.address, info: info.value, version, containers, images, requests });
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

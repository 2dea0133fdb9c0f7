/**
 * Turns an OCI or Docker image configuration blob into ImageMetadata.
 * Shared by every source (archives, layouts, registry, daemon) so they all
 * report user, env, entrypoint, history and layers the same way.
 */
import { z } from 'zod';
import { ImageFormatError } from '../domain/errors.js';
import type { HealthCheck, HistoryEntry, ImageConfig, ImageMetadata, LayerRef } from '../domain/image.js';
import { isDigest } from './digest.js';

/** Docker accepts a plain string wherever a string list is expected (strslice). */
const stringList = z.union([z.string().transform((s) => [s]), z.array(z.string())]).nullish();
const keySet = z.record(z.string(), z.unknown()).nullish();

const containerConfigSchema = z.looseObject({
  User: z.string().nullish(),
  Env: z.array(z.string()).nullish(),
  Entrypoint: stringList,
  Cmd: stringList,
  WorkingDir: z.string().nullish(),
  ExposedPorts: keySet,
  Volumes: keySet,
  Labels: z.record(z.string(), z.string()).nullish(),
  Healthcheck: z
    .looseObject({
      Test: stringList,
      Interval: z.number().nullish(),
      Timeout: z.number().nullish(),
      Retries: z.number().nullish(),
    })
    .nullish(),
  StopSignal: z.string().nullish(),
});

const imageConfigSchema = z.looseObject({
  architecture: z.string().max(64),
  os: z.string().max(64),
  variant: z.string().max(64).nullish(),
  created: z.string().nullish(),
  author: z.string().nullish(),
  config: containerConfigSchema.nullish(),
  rootfs: z.looseObject({
    type: z.string(),
    diff_ids: z.array(z.string().refine(isDigest, { message: 'not a sha256/sha512 digest' })).max(10_000),
  }),
  history: z
    .array(
      z.looseObject({
        created: z.string().nullish(),
        created_by: z.string().nullish(),
        author: z.string().nullish(),
        comment: z.string().nullish(),
        empty_layer: z.boolean().nullish(),
      }),
    )
    .max(100_000)
    .nullish(),
});

/** What the source knows besides the config blob itself. */
export interface ImageConfigContext {
  readonly configDigest: string;
  readonly manifestDigest?: string;
  readonly mediaType?: string;
  readonly repoTags?: readonly string[];
  readonly repoDigests?: readonly string[];
  /** The manifest's layer descriptors, aligned with rootfs.diff_ids. */
  readonly layers?: readonly { readonly digest?: string; readonly mediaType?: string; readonly size?: number }[];
}

const opt = <K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } =>
  (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

export function parseImageConfig(bytes: Buffer | string | unknown, context: ImageConfigContext): ImageMetadata {
  let json: unknown = bytes;
  if (typeof bytes === 'string' || Buffer.isBuffer(bytes)) {
    try {
      json = JSON.parse(bytes.toString());
    } catch (error) {
      throw new ImageFormatError(`image config ${context.configDigest} is not valid JSON`, { cause: error });
    }
  }
  const parsed = imageConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImageFormatError(
      `image config ${context.configDigest} is invalid: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'schema mismatch'}`,
    );
  }
  const doc = parsed.data;
  const c = doc.config ?? {};

  const healthcheck: HealthCheck | undefined = c.Healthcheck?.Test
    ? {
        test: c.Healthcheck.Test,
        ...opt('interval', c.Healthcheck.Interval),
        ...opt('timeout', c.Healthcheck.Timeout),
        ...opt('retries', c.Healthcheck.Retries),
      }
    : undefined;

  const config: ImageConfig = {
    ...opt('user', c.User),
    env: c.Env ?? [],
    ...opt('entrypoint', c.Entrypoint),
    ...opt('cmd', c.Cmd),
    ...opt('workingDir', c.WorkingDir || undefined),
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    volumes: Object.keys(c.Volumes ?? {}),
    labels: c.Labels ?? {},
    ...opt('healthcheck', healthcheck),
    ...opt('stopSignal', c.StopSignal || undefined),
  };

  const history: HistoryEntry[] = (doc.history ?? []).map((h) => ({
    ...opt('created', h.created),
    ...opt('createdBy', h.created_by),
    ...opt('comment', h.comment),
    emptyLayer: h.empty_layer === true,
  }));
  // The k-th history entry that made a filesystem change describes the k-th layer.
  const layerHistory = history.filter((h) => !h.emptyLayer);

  const layers: LayerRef[] = doc.rootfs.diff_ids.map((diffId, index) => {
    const descriptor = context.layers?.[index];
    const h = layerHistory[index];
    return {
      index,
      diffId,
      ...opt('digest', descriptor?.digest),
      ...opt('mediaType', descriptor?.mediaType),
      ...opt('size', descriptor?.size),
      ...opt('createdBy', h?.createdBy),
      ...opt('created', h?.created),
    };
  });

  return {
    ...opt('manifestDigest', context.manifestDigest),
    configDigest: context.configDigest,
    ...opt('mediaType', context.mediaType),
    repoTags: context.repoTags ?? [],
    repoDigests: context.repoDigests ?? [],
    os: doc.os,
    architecture: doc.architecture,
    ...opt('variant', doc.variant || undefined),
    ...opt('created', doc.created),
    ...opt('author', doc.author),
    config,
    history,
    layers,
  };
}

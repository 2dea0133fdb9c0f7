/**
 * The facts about an image that rules ask about (user, root or not, labels,
 * age, base image, registry and repository), derived once per evaluation from
 * the Subject so each rule reads the same answers.
 */
import type { Subject } from '../domain/subject.js';
import { parseImageReference, repositoryName, type ImageReference } from '../image/sources/image-reference.js';

export const BASE_NAME_LABEL = 'org.opencontainers.image.base.name';
export const BASE_DIGEST_LABEL = 'org.opencontainers.image.base.digest';

export interface ImageFacts {
  readonly known: boolean;
  readonly reference: string;
  readonly registry: string;
  readonly repository: string;
  readonly tags: readonly string[];
  readonly digest: string;
  readonly pinnedByDigest: boolean;
  /** USER as declared ('' when none). */
  readonly user: string;
  readonly runsAsRoot: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly healthcheck: boolean;
  readonly exposedPorts: readonly string[];
  readonly created: string;
  /** Whole days since `created`; -1 when unknown. */
  readonly ageDays: number;
  readonly os: string;
  readonly architecture: string;
  readonly baseName: string;
  readonly baseDigest: string;
  readonly layers: number;
  readonly history: readonly string[];
}

const DAY_MS = 86_400_000;

/** USER values that mean uid 0: empty (the default), root, 0, with or without a group. */
export function isRootUser(user: string | undefined): boolean {
  const name = (user ?? '').trim().split(':')[0] ?? '';
  return name === '' || name === 'root' || name === '0';
}

function tryParse(reference: string | undefined): ImageReference | undefined {
  if (!reference) return undefined;
  try {
    return parseImageReference(reference);
  } catch {
    return undefined;
  }
}

export function imageFacts(subject: Subject, nowMs: number): ImageFacts {
  const image = subject.image;
  const meta = image?.metadata;
  const firstTag = meta?.repoTags[0];
  const ref = tryParse(image?.reference) ?? tryParse(firstTag);
  const tags = new Set<string>(image?.tags ?? []);
  if (ref?.tag && image?.reference) tags.add(ref.tag);
  for (const repoTag of meta?.repoTags ?? []) {
    const tag = tryParse(repoTag)?.tag;
    if (tag) tags.add(tag);
  }
  const env: Record<string, string> = {};
  for (const entry of meta?.config.env ?? []) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    else env[entry] = '';
  }
  const labels = meta?.config.labels ?? {};
  const createdMs = meta?.created ? Date.parse(meta.created) : NaN;
  const health = meta?.config.healthcheck;
  return {
    known: meta !== undefined,
    reference: image?.reference ?? firstTag ?? '',
    registry: image?.registry ?? ref?.domain ?? '',
    repository: image?.repository ?? (ref ? repositoryName(ref) : ''),
    tags: [...tags].sort(),
    digest: image?.digest ?? ref?.digest ?? meta?.manifestDigest ?? '',
    pinnedByDigest: image?.pinnedByDigest ?? ref?.digest !== undefined,
    user: meta?.config.user ?? '',
    runsAsRoot: isRootUser(meta?.config.user),
    labels,
    env,
    healthcheck: health !== undefined && health.test.length > 0 && health.test[0] !== 'NONE',
    exposedPorts: meta?.config.exposedPorts ?? [],
    created: meta?.created ?? '',
    ageDays: Number.isFinite(createdMs) ? Math.max(0, Math.floor((nowMs - createdMs) / DAY_MS)) : -1,
    os: meta?.os ?? '',
    architecture: meta?.architecture ?? '',
    baseName: labels[BASE_NAME_LABEL] ?? '',
    baseDigest: labels[BASE_DIGEST_LABEL] ?? '',
    layers: meta?.layers.length ?? 0,
    history: (meta?.history ?? []).map((h) => h.createdBy ?? ''),
  };
}

/** The names an image answers to in `images:` globs: repository, reference, repository:tag, and the names it is also known as. */
export function imageNames(image: ImageFacts, knownAs: readonly string[] = []): string[] {
  const names = new Set<string>();
  if (image.repository) {
    names.add(image.repository);
    for (const tag of image.tags) names.add(`${image.repository}:${tag}`);
  }
  if (image.reference) names.add(image.reference);
  for (const name of knownAs) names.add(name);
  return [...names];
}

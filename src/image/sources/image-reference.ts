/**
 * Image references (`debian:12`, `ghcr.io/org/app@sha256:…`, `localhost:5000/x`)
 * parsed and normalized the way Docker does it (distribution/reference's
 * ParseNormalizedNamed + TagNameOnly), so a name means the same image to
 * Bulkhead as it does to `docker pull`.
 */
import { BadInputError } from '../../domain/errors.js';

export interface ImageReference {
  /** Registry host as written in the reference, normalized ('docker.io', 'localhost:5000', '[::1]:5000'). */
  readonly domain: string;
  /** Repository path inside the registry ('library/debian'). */
  readonly path: string;
  /** The tag; 'latest' when the reference names neither a tag nor a digest. */
  readonly tag?: string;
  /** The manifest digest pinned by the reference. */
  readonly digest?: string;
}

export const DOCKER_HUB_DOMAIN = 'docker.io';
const LEGACY_HUB_DOMAIN = 'index.docker.io';
/** Docker Hub's registry API lives on a different host than its reference domain. */
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const OFFICIAL_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar of distribution/reference's regexp.go, piece by piece.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';

const REFERENCE = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const ANCHORED_NAME = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** go-digest's registered algorithms and their hex lengths. */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

function invalid(input: string, reason: string): BadInputError {
  return new BadInputError(`invalid image reference ${JSON.stringify(input.slice(0, 300))}: ${reason}`);
}

/** distribution/reference splitDockerDomain: decides whether the first path element is a registry host. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  if (slash === -1) return { domain: DOCKER_HUB_DOMAIN, remainder: OFFICIAL_PREFIX + name };
  const maybeDomain = name.slice(0, slash);
  const maybeRemainder = name.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (maybeDomain === 'localhost') {
    [domain, remainder] = [maybeDomain, maybeRemainder];
  } else if (maybeDomain === LEGACY_HUB_DOMAIN) {
    [domain, remainder] = [DOCKER_HUB_DOMAIN, maybeRemainder];
  } else if (/[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    [domain, remainder] = [maybeDomain, maybeRemainder];
  } else {
    [domain, remainder] = [DOCKER_HUB_DOMAIN, name];
  }
  if (domain === DOCKER_HUB_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder;
  return { domain, remainder };
}

function validateDigest(input: string, digest: string): void {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) throw invalid(input, `unsupported digest algorithm ${algorithm}`);
  if (!/^[a-f0-9]+$/.test(hex)) throw invalid(input, 'invalid checksum digest format');
  if (hex.length !== length) throw invalid(input, 'invalid checksum digest length');
}

/**
 * Parses a reference as `docker pull` would: familiar names get `docker.io`
 * and `library/`, a name without tag or digest gets `latest`.
 */
export function parseImageReference(input: string): ImageReference {
  if (input === '') throw invalid(input, 'repository name must have at least one component');
  if (IDENTIFIER.test(input)) {
    throw invalid(input, 'cannot specify 64-byte hexadecimal strings (that is an image ID, not a name)');
  }
  const { domain: splitDomain, remainder } = splitDockerDomain(input);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) throw invalid(input, `repository name (${remote}) must be lowercase`);

  const full = `${splitDomain}/${remainder}`;
  const match = REFERENCE.exec(full);
  if (!match) throw invalid(input, 'invalid reference format');
  const [, name = '', tag, digest] = match;
  const nameMatch = ANCHORED_NAME.exec(name);
  const domain = nameMatch?.[1] ?? '';
  const path = nameMatch?.[2] ?? name;
  if (domain === '') throw invalid(input, 'invalid reference format');
  if (path.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(input, `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  if (digest !== undefined) validateDigest(input, digest);
  return {
    domain,
    path,
    ...(tag !== undefined ? { tag } : digest === undefined ? { tag: DEFAULT_TAG } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** `domain/path`: the repository's canonical name. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The fully qualified reference: `docker.io/library/debian:12`. */
export function formatReference(ref: ImageReference): string {
  return repositoryName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/** The repository name as the Docker CLI shows it (`debian`, `user/app`, `localhost:5000/x`). */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== DOCKER_HUB_DOMAIN) return repositoryName(ref);
  if (ref.path.startsWith(OFFICIAL_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** The reference as the Docker CLI shows it, e.g. in `RepoTags` (`debian:12`). */
export function familiarString(ref: ImageReference): string {
  return familiarName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/** What to ask the registry's manifests endpoint for: the digest wins over the tag, as in `docker pull`. */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}

/** The host:port that serves the registry API for this reference. */
export function registryApiHost(ref: ImageReference): string {
  return ref.domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API_HOST : ref.domain;
}

/** True for registries Docker treats as local (`localhost`, 127.0.0.0/8, ::1), with or without port. */
export function isLoopbackRegistry(domain: string): boolean {
  const hostOnly = domain.startsWith('[') ? domain.slice(0, domain.indexOf(']') + 1) : domain.replace(/:[0-9]+$/, '');
  return hostOnly === 'localhost' || /^127(?:\.[0-9]{1,3}){3}$/.test(hostOnly) || hostOnly === '[::1]';
}

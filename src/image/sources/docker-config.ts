/**
 * Registry credentials from the Docker CLI's config file (`docker login`
 * writes them to `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`).
 * Only inline `auths` entries are read: credential helpers are external
 * programs, and running them is left to the Docker CLI (a warning says so).
 */
import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { BadInputError } from '../../domain/errors.js';

export interface RegistryCredentials {
  readonly username?: string;
  readonly password?: string;
  /** OAuth2 refresh token from `docker login` against an identity provider. */
  readonly identityToken?: string;
}

export interface DockerConfigOptions {
  /** Path of config.json; default `$DOCKER_CONFIG/config.json`, then `~/.docker/config.json`. */
  readonly configPath?: string;
  readonly warn?: (message: string) => void;
}

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** The key `docker login` uses for Docker Hub. */
const DOCKER_HUB_INDEX = 'https://index.docker.io/v1/';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

const authEntry = z.object({
  auth: z.string().max(64 * 1024).optional(),
  username: z.string().max(64 * 1024).optional(),
  password: z.string().max(64 * 1024).optional(),
  identitytoken: z.string().max(64 * 1024).optional(),
});

const dockerConfigSchema = z.object({
  auths: z.record(z.string(), authEntry).optional(),
  credsStore: z.string().optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
});

export type DockerConfig = z.infer<typeof dockerConfigSchema>;

export function defaultDockerConfigPath(): string {
  const dir = process.env.DOCKER_CONFIG;
  return dir ? path.join(dir, 'config.json') : path.join(homedir(), '.docker', 'config.json');
}

/** The Docker CLI's ConvertToHostname: `https://host:port/v1/` → `host:port`. */
export function credentialKeyHost(key: string): string {
  const withoutScheme = key.replace(/^https?:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  return slash === -1 ? withoutScheme : withoutScheme.slice(0, slash);
}

function normalizedHost(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? 'docker.io' : lower;
}

export function parseDockerConfig(text: string, where: string): DockerConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`${where} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = dockerConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new BadInputError(`${where} is not a Docker config file: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** The credentials a config grants for `domain` (a reference's registry, e.g. `docker.io` or `localhost:5000`). */
export function credentialsFromConfig(
  config: DockerConfig,
  domain: string,
  where: string,
  warn: (message: string) => void = () => undefined,
): RegistryCredentials | undefined {
  const wanted = normalizedHost(domain);
  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => normalizedHost(credentialKeyHost(key)) === wanted);
  if (helper) {
    warn(`${where} names credential helper "docker-credential-${helper[1]}" for ${domain}; credential helpers are not supported, use --username/--password-stdin`);
  } else if (config.credsStore) {
    warn(`${where} uses credential store "docker-credential-${config.credsStore}"; credential stores are not supported, only inline "auths" entries are read`);
  }

  const entries = Object.entries(config.auths ?? {});
  // An exact key wins over a normalized match, as with the Docker CLI; Docker Hub's canonical key comes first.
  const match =
    entries.find(([key]) => key === domain) ??
    (wanted === 'docker.io' ? entries.find(([key]) => key === DOCKER_HUB_INDEX) : undefined) ??
    entries.find(([key]) => normalizedHost(credentialKeyHost(key)) === wanted);
  if (!match) return undefined;
  const [key, entry] = match;

  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new BadInputError(`${where}: the "auth" entry for ${key} is not base64 of user:password`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  const identityToken = entry.identitytoken || undefined;
  if (!identityToken && (username === undefined || username === '')) return undefined;
  return {
    ...(username ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(identityToken ? { identityToken } : {}),
  };
}

/** Reads the Docker config (if any) and returns the credentials it holds for `domain`. */
export async function readDockerCredentials(
  domain: string,
  options: DockerConfigOptions = {},
): Promise<RegistryCredentials | undefined> {
  const configPath = options.configPath ?? defaultDockerConfigPath();
  let text: string;
  try {
    const handle = await open(configPath, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_CONFIG_BYTES) throw new BadInputError(`${configPath} is ${size} bytes; a Docker config over ${MAX_CONFIG_BYTES} bytes is refused`);
      text = (await handle.readFile()).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No config file simply means no stored credentials; an explicitly named one must exist.
    if ((code === 'ENOENT' || code === 'ENOTDIR') && options.configPath === undefined) return undefined;
    if (error instanceof BadInputError) throw error;
    throw new BadInputError(`cannot read Docker config ${configPath}: ${code ?? (error as Error).message}`, { cause: error });
  }
  return credentialsFromConfig(parseDockerConfig(text, configPath), domain, configPath, options.warn);
}

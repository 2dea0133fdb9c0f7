/**
 * Which feeds `db update` downloads and from where. Every source has a base
 * URL that a mirror can replace: `--mirror osv=https://mirror/osv`, the
 * BULKHEAD_FEED_<NAME>_URL environment variable, or a JSON config file
 * (`--feeds-config FILE`, default $XDG_CONFIG_HOME/bulkhead/feeds.json).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { BadInputError } from '../../domain/errors.js';
import { readFileBounded } from '../import/import-paths.js';

export const SOURCE_NAMES = ['osv', 'debian', 'alpine', 'nvd', 'kev', 'epss'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** Updated when no --source is given. NVD is opt-in: without an API key a full download takes hours. */
export const DEFAULT_SOURCES: readonly SourceName[] = ['osv', 'debian', 'alpine', 'kev', 'epss'];

export const DEFAULT_URLS: Readonly<Record<SourceName, string>> = {
  osv: 'https://osv-vulnerabilities.storage.googleapis.com',
  debian: 'https://security-tracker.debian.org/tracker/data/json',
  alpine: 'https://secdb.alpinelinux.org',
  nvd: 'https://services.nvd.nist.gov/rest/json/cves/2.0',
  kev: 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json',
  epss: 'https://epss.cyentia.com/epss_scores-current.csv.gz',
};

export const DEFAULT_OSV_ECOSYSTEMS = [
  'Debian',
  'Ubuntu',
  'Alpine',
  'Rocky Linux',
  'AlmaLinux',
  'Red Hat',
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'crates.io',
  'RubyGems',
  'NuGet',
  'Packagist',
  'Pub',
  'Hex',
] as const;

export const DEFAULT_ALPINE_RELEASES = ['v3.18', 'v3.19', 'v3.20', 'v3.21', 'v3.22'] as const;

export interface FeedConfig {
  readonly urls: Readonly<Record<SourceName, string>>;
  readonly osvEcosystems: readonly string[];
  readonly alpineReleases: readonly string[];
  readonly alpineRepos: readonly string[];
  readonly maxBytes: number;
  /** Until response headers arrive. */
  readonly connectTimeoutMs: number;
  /** Longest pause between two body chunks: a stalled connection fails here. */
  readonly idleTimeoutMs: number;
  readonly nvdApiKey?: string;
}

const configFile = z
  .object({
    mirrors: z.record(z.enum(SOURCE_NAMES), z.string().url()).optional(),
    osvEcosystems: z.array(z.string().min(1).max(64)).max(100).optional(),
    alpineReleases: z.array(z.string().regex(/^v\d+\.\d+$|^edge$/)).max(100).optional(),
    maxBytes: z.number().int().positive().optional(),
    connectTimeoutSeconds: z.number().positive().max(3600).optional(),
    idleTimeoutSeconds: z.number().positive().max(3600).optional(),
  })
  .strict();

export function defaultFeedsConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CONFIG_HOME'] && path.isAbsolute(env['XDG_CONFIG_HOME']) ? env['XDG_CONFIG_HOME'] : path.join(homedir(), '.config');
  return path.join(base, 'bulkhead', 'feeds.json');
}

export interface FeedConfigInput {
  readonly configFile?: string;
  readonly mirrors?: readonly string[];
  readonly osvEcosystems?: readonly string[];
  readonly alpineReleases?: readonly string[];
  readonly connectTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Precedence: flags, then environment, then the config file, then the built-in defaults. */
export function resolveFeedConfig(input: FeedConfigInput = {}): FeedConfig {
  const env = input.env ?? process.env;
  const file = input.configFile ?? defaultFeedsConfigPath(env);
  let fromFile: z.infer<typeof configFile> = {};
  if (input.configFile || existsSync(file)) {
    let value: unknown;
    try {
      value = JSON.parse(readFileBounded(file, 1024 * 1024).toString('utf8'));
    } catch (cause) {
      throw new BadInputError(`feeds config ${file}: ${(cause as Error).message}`, { cause });
    }
    const parsed = configFile.safeParse(value);
    if (!parsed.success) throw new BadInputError(`feeds config ${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    fromFile = parsed.data;
  }
  const urls: Record<SourceName, string> = { ...DEFAULT_URLS, ...fromFile.mirrors };
  for (const name of SOURCE_NAMES) {
    const v = env[`BULKHEAD_FEED_${name.toUpperCase()}_URL`];
    if (v) urls[name] = v;
  }
  for (const m of input.mirrors ?? []) {
    const eq = m.indexOf('=');
    const name = m.slice(0, eq) as SourceName;
    if (eq < 1 || !SOURCE_NAMES.includes(name)) throw new BadInputError(`--mirror expects NAME=URL with NAME one of ${SOURCE_NAMES.join(', ')}; got "${m}"`);
    urls[name] = m.slice(eq + 1);
  }
  for (const [name, url] of Object.entries(urls)) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new BadInputError(`feed URL for ${name} is not a URL: ${url}`);
    }
    if (!['https:', 'http:', 'file:'].includes(u.protocol)) throw new BadInputError(`feed URL for ${name} must be https:, http: (loopback only) or file:`);
  }
  const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    urls,
    osvEcosystems: input.osvEcosystems ?? list(env['BULKHEAD_OSV_ECOSYSTEMS']) ?? fromFile.osvEcosystems ?? DEFAULT_OSV_ECOSYSTEMS,
    alpineReleases: input.alpineReleases ?? list(env['BULKHEAD_ALPINE_RELEASES']) ?? fromFile.alpineReleases ?? DEFAULT_ALPINE_RELEASES,
    alpineRepos: ['main', 'community'],
    maxBytes: fromFile.maxBytes ?? 2 * 1024 * 1024 * 1024 - 1,
    connectTimeoutMs: input.connectTimeoutMs ?? (fromFile.connectTimeoutSeconds ?? 60) * 1000,
    idleTimeoutMs: input.idleTimeoutMs ?? (fromFile.idleTimeoutSeconds ?? 60) * 1000,
    ...(env['BULKHEAD_NVD_API_KEY'] ? { nvdApiKey: env['BULKHEAD_NVD_API_KEY'] } : {}),
  };
}

/**
 * The language-package fixture images (test/integration/lang-images/<name>/),
 * built in the harness's private dockerd on its Debian 12 base. They live
 * apart from test/integration/images/ because their builds need the build
 * machine's CA bundle in the context (npm behind a TLS-inspecting proxy),
 * which the generic fixture builder does not add; and because they only need
 * two exports (docker-archive and an unpacked rootfs), not every transport.
 *
 * The docker-archive is cached under `<cache>/images/<name>-<key>/`, keyed by
 * the base image's layer and the build context (the CA bundle excluded, it is
 * the machine's, not the fixture's), like the harness's own fixtures.
 */
import { createHash } from 'node:crypto';
import { copyFile, cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DOCKER_CLI, dockerClientEnv } from './docker-client-env.js';
import { exists, hashDirectory } from './fixture-images.js';
import type { ReadyFacts } from './integration-facts.js';
import { runCommand, runPipeline } from './run-command.js';
import type { RunOptions, RunResult } from './run-command.js';

export const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
/** File name the lang Dockerfiles COPY the CA bundle from. */
export const CONTEXT_CA_NAME = 'host-ca.crt';

export type Docker = (args: readonly string[], options?: RunOptions) => Promise<RunResult>;

export interface LangImage {
  readonly name: string;
  readonly tag: string;
  readonly dockerArchive: string;
  /** `docker export` of a container of the image, unpacked. */
  readonly rootfsDir: string;
  /** RootFS.Layers of the image, base first. */
  readonly layers: readonly string[];
  readonly built: boolean;
}

/** A docker CLI aimed at the harness's private daemon. */
export function dockerFor(facts: ReadyFacts): Docker {
  const env = dockerClientEnv(facts.dockerHost, facts.dockerClientConfig);
  return (args, options = {}) => runCommand(DOCKER_CLI, args, { ...options, env: { ...env, ...options.env } });
}

/**
 * `docker build --network host` of `contextDir` with the machine's CA bundle
 * copied in as host-ca.crt (a temporary copy of the context: the repository
 * never holds the machine's certificates).
 */
export async function buildWithHostCa(docker: Docker, contextDir: string, tag: string, scratch: string): Promise<RunResult> {
  const context = await mkdtemp(path.join(scratch, 'lang-context-'));
  try {
    await cp(contextDir, context, { recursive: true });
    await copyFile(HOST_CA_BUNDLE, path.join(context, CONTEXT_CA_NAME));
    return await docker(['build', '--network', 'host', '--force-rm', '-t', tag, context], { timeoutMs: 40 * 60_000 });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

export function langCacheDir(repoRoot: string): string {
  return process.env.BULKHEAD_TEST_CACHE_DIR ?? path.join(repoRoot, '.cache', 'integration');
}

/** Loads (from the cache) or builds one lang fixture, and exports its rootfs into the run's scratch space. */
export async function prepareLangImage(facts: ReadyFacts, repoRoot: string, name: string): Promise<LangImage> {
  const docker = dockerFor(facts);
  const tag = `bulkhead-test/${name}:latest`;
  const contextDir = path.join(repoRoot, 'test', 'integration', 'lang-images', name);
  const baseLayer = (await docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', facts.debian.tag])).stdout.trim();
  const key = createHash('sha256').update(baseLayer).update(await hashDirectory(contextDir)).digest('hex').slice(0, 16);
  const cacheEntry = path.join(langCacheDir(repoRoot), 'images', `${name}-${key}`);
  const workDir = path.join(facts.workDir, 'lang', name);
  await mkdir(workDir, { recursive: true });
  const dockerArchive = path.join(workDir, 'docker-archive.tar');

  let built = false;
  if (await exists(path.join(cacheEntry, 'complete'))) {
    await runCommand('cp', ['--reflink=auto', path.join(cacheEntry, 'docker-archive.tar'), dockerArchive]);
    await docker(['load', '-q', '-i', dockerArchive]);
  } else {
    process.stderr.write(`[integration] ${tag}: building (not in cache)\n`);
    const build = await buildWithHostCa(docker, contextDir, tag, workDir);
    await writeFile(path.join(workDir, 'build.log'), build.stdout + build.stderr);
    await docker(['save', '-o', dockerArchive, tag], { timeoutMs: 10 * 60_000 });
    built = true;
    const partial = `${cacheEntry}.partial-${process.pid}`;
    try {
      await mkdir(partial, { recursive: true });
      await runCommand('cp', ['--reflink=auto', dockerArchive, path.join(partial, 'docker-archive.tar')]);
      await writeFile(path.join(partial, 'complete'), '');
      await rm(cacheEntry, { recursive: true, force: true });
      await rename(partial, cacheEntry);
    } catch {
      // The cache only saves time; this run has its own archive.
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }

  const rootfsDir = path.join(workDir, 'rootfs');
  await mkdir(rootfsDir, { recursive: true });
  const id = (await docker(['create', '--network', 'none', tag])).stdout.trim();
  try {
    await runPipeline('"$1" export "$2" | tar -x --numeric-owner -C "$3"', [DOCKER_CLI, id, rootfsDir], {
      env: dockerClientEnv(facts.dockerHost, facts.dockerClientConfig),
    });
  } finally {
    await docker(['rm', '-f', id], { allowFailure: true });
  }
  const layers = JSON.parse((await docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', tag])).stdout) as string[];
  return { name, tag, dockerArchive, rootfsDir, layers, built };
}

/** Runs a command in a throwaway container of `tag` without network and returns its stdout. */
export async function runIn(
  docker: Docker,
  tag: string,
  command: readonly string[],
  options: { readonly workdir?: string; readonly allowFailure?: boolean } = {},
): Promise<string> {
  const { workdir, allowFailure } = options;
  const args = ['run', '--rm', '--network', 'none', ...(workdir ? ['-w', workdir] : []), '--entrypoint', command[0]!, tag, ...command.slice(1)];
  return (await docker(args, { timeoutMs: 5 * 60_000, allowFailure })).stdout;
}

/**
 * The fixture images (one Dockerfile per directory under
 * test/integration/images/): built in the private daemon, pushed to the
 * private registry, exported in every transport Bulkhead reads, and described
 * by real tools (dpkg-query and /etc/os-release inside the image, docker
 * inspect, skopeo inspect, tar listings of every layer).
 *
 * Building and exporting are slow (apt-get, gzip, zstd), so their results are
 * cached: per image under `<cache>/images/<name>-<key>/` (docker save archive
 * plus the skopeo exports), and the registry's storage under
 * `<cache>/registry-<key>/`. Keys hash the base image and the build context,
 * so editing a Dockerfile rebuilds exactly that image.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { DebianBase } from './debian-base.js';
import { DOCKER_CLI } from './docker-client-env.js';
import type { DockerDaemon } from './docker-daemon.js';
import { dockerInspect } from './docker-inspect.js';
import { dpkgFileLists, dpkgQuery } from './dpkg-query.js';
import type { FixtureImage, OciExportFacts, TransportName } from './integration-facts.js';
import { listDockerArchiveLayers } from './layer-listing.js';
import type { LocalRegistry } from './registry.js';
import { runCommand, runPipeline } from './run-command.js';

export const FIXTURE_REPOSITORY = 'bulkhead-test';

export interface FixtureContext {
  readonly daemon: DockerDaemon;
  readonly registry: LocalRegistry;
  readonly base: DebianBase;
  /** test/integration/images */
  readonly imagesDir: string;
  readonly cacheDir: string;
  /** Scratch space for this run's copies of the exports. */
  readonly workDir: string;
  readonly log: (line: string) => void;
}

/** A fixture image present in the daemon, with its exports in this run's scratch space. */
export interface LoadedFixture {
  readonly name: string;
  readonly tag: string;
  readonly registryRef: string;
  /** Image ID (config digest) in the daemon. */
  readonly id: string;
  /** docker-archive.tar, oci/, oci-archive.tar and oci-zstd/ of exactly this image. */
  readonly exportsDir: string;
  readonly built: boolean;
}

const COMPLETE_MARKER = 'complete';
const EXPORTS = ['docker-archive.tar', 'oci', 'oci-archive.tar', 'oci-zstd'] as const;

export async function fixtureNames(imagesDir: string): Promise<string[]> {
  const entries = await readdir(imagesDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * Puts the image into the daemon, from the cache when its key matches, else
 * by `docker build`, and lays its exports out in this run's scratch space.
 * The exports are copies, never the cache itself: a test that damages its
 * input must not damage the next run's, and a concurrent run that fills the
 * cache with its own build must not swap images under this one.
 */
export async function loadFixtureImage(ctx: FixtureContext, name: string): Promise<LoadedFixture> {
  const tag = `${FIXTURE_REPOSITORY}/${name}:latest`;
  const registryRef = `${ctx.registry.host}/${FIXTURE_REPOSITORY}/${name}:latest`;
  const contextDir = path.join(ctx.imagesDir, name);
  const key = createHash('sha256')
    .update(ctx.base.cacheKey)
    .update(await hashDirectory(contextDir))
    .digest('hex')
    .slice(0, 16);
  const cacheEntry = path.join(ctx.cacheDir, 'images', `${name}-${key}`);
  const exportsDir = path.join(ctx.workDir, 'images', name);
  await mkdir(exportsDir, { recursive: true });

  if (await exists(path.join(cacheEntry, COMPLETE_MARKER))) {
    await Promise.all(EXPORTS.map((item) => copy(path.join(cacheEntry, item), path.join(exportsDir, item))));
    await ctx.daemon.docker(['load', '-q', '-i', path.join(exportsDir, 'docker-archive.tar')]);
    return { name, tag, registryRef, id: await imageId(ctx.daemon, tag), exportsDir, built: false };
  }

  ctx.log(`${tag}: building (not in cache)`);
  const build = await ctx.daemon.docker(['build', '--network', 'host', '--force-rm', '-t', tag, contextDir], {
    timeoutMs: 30 * 60_000,
  });
  await writeFile(path.join(exportsDir, 'build.log'), build.stdout + build.stderr);
  const archive = path.join(exportsDir, 'docker-archive.tar');
  await ctx.daemon.docker(['save', '-o', archive, tag]);
  const source = `docker-archive:${archive}`;
  await Promise.all([
    skopeoCopy([source, `oci:${path.join(exportsDir, 'oci')}:latest`]),
    skopeoCopy([source, `oci-archive:${path.join(exportsDir, 'oci-archive.tar')}:latest`]),
    skopeoCopy(['--dest-compress-format', 'zstd', source, `oci:${path.join(exportsDir, 'oci-zstd')}:latest`]),
  ]);
  await storeInCache(cacheEntry, async (partial) => {
    await Promise.all(EXPORTS.map((item) => copy(path.join(exportsDir, item), path.join(partial, item))));
  });
  return { name, tag, registryRef, id: await imageId(ctx.daemon, tag), exportsDir, built: true };
}

/**
 * Puts every fixture into the private registry. A snapshot of the storage
 * that holds exactly these image IDs seeds it from the cache, and `docker
 * pull` (layers already present) records the RepoDigests a push would have.
 */
export async function publishFixtureImages(ctx: FixtureContext, fixtures: readonly LoadedFixture[]): Promise<void> {
  const key = createHash('sha256')
    .update(fixtures.map((fixture) => `${fixture.name} ${fixture.id}`).sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
  const snapshot = path.join(ctx.cacheDir, `registry-${key}`);
  if (await exists(path.join(snapshot, COMPLETE_MARKER))) {
    await copy(`${path.join(snapshot, 'storage')}/.`, ctx.registry.storageDir);
    for (const fixture of fixtures) {
      await ctx.daemon.docker(['pull', '-q', fixture.registryRef], { timeoutMs: 5 * 60_000 });
    }
    return;
  }
  ctx.log(`registry: pushing ${fixtures.length} images (no snapshot in cache)`);
  for (const fixture of fixtures) {
    await ctx.daemon.docker(['tag', fixture.tag, fixture.registryRef]);
    await ctx.daemon.docker(['push', fixture.registryRef], { timeoutMs: 15 * 60_000 });
  }
  await storeInCache(snapshot, (partial) => copy(ctx.registry.storageDir, path.join(partial, 'storage')));
}

/**
 * Fills a cache entry atomically: written under a private name, marked
 * complete, then renamed into place. Losing a race with a concurrent run is
 * fine (its entry is as good as ours), so failures only cost the cache.
 */
async function storeInCache(entry: string, fill: (partial: string) => Promise<void>): Promise<void> {
  const partial = `${entry}.partial-${process.pid}`;
  try {
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    await fill(partial);
    await writeFile(path.join(partial, COMPLETE_MARKER), '');
    await rm(entry, { recursive: true, force: true });
    await rename(partial, entry);
  } catch {
    // The cache is an optimisation; the run goes on with its own exports.
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

async function copy(from: string, to: string): Promise<void> {
  await runCommand('cp', ['-a', '--reflink=auto', from, to]);
}

async function imageId(daemon: DockerDaemon, tag: string): Promise<string> {
  return (await daemon.docker(['image', 'inspect', '--format', '{{.Id}}', tag])).stdout.trim();
}

/** Asks the real tools about a loaded fixture and names its targets in every transport. */
export async function describeFixtureImage(ctx: FixtureContext, fixture: LoadedFixture): Promise<FixtureImage> {
  const { daemon, registry } = ctx;
  const out = fixture.exportsDir;
  const paths = {
    dockerArchive: path.join(out, 'docker-archive.tar'),
    ociDir: path.join(out, 'oci'),
    ociArchive: path.join(out, 'oci-archive.tar'),
    ociZstdDir: path.join(out, 'oci-zstd'),
    rootfsDir: path.join(out, 'rootfs'),
  };
  await exportRootfs(daemon, fixture.tag, paths.rootfsDir);

  const [inspect, dpkg, dpkgFiles, osRelease, layers, oci, ociArchive, ociZstd] = await Promise.all([
    dockerInspect(daemon, fixture.tag),
    dpkgQuery(daemon, fixture.tag),
    dpkgFileLists(daemon, fixture.tag),
    daemon.docker(['run', '--rm', '--network', 'none', '--entrypoint', 'cat', fixture.tag, '/etc/os-release']).then((r) => r.stdout),
    listDockerArchiveLayers(paths.dockerArchive),
    ociFacts(`oci:${paths.ociDir}:latest`),
    ociFacts(`oci-archive:${paths.ociArchive}:latest`),
    ociFacts(`oci:${paths.ociZstdDir}:latest`),
  ]);

  const dpkgStatusLayer = [...layers].reverse().find((layer) => layer.entries.includes('var/lib/dpkg/status'))?.diffId;
  if (!dpkgStatusLayer) throw new Error(`${fixture.tag}: no layer writes var/lib/dpkg/status`);
  if (inspect.id !== fixture.id) throw new Error(`${fixture.tag}: image changed under the harness (${fixture.id} → ${inspect.id})`);
  if (layers.map((layer) => layer.diffId).join() !== inspect.layers.join()) {
    throw new Error(`${fixture.tag}: docker save layers differ from docker inspect RootFS.Layers`);
  }
  const repoDigestPrefix = `${registry.host}/${FIXTURE_REPOSITORY}/${fixture.name}@`;
  const registryDigest = inspect.repoDigests.find((digest) => digest.startsWith(repoDigestPrefix))?.slice(repoDigestPrefix.length);
  if (!registryDigest) {
    throw new Error(`${fixture.tag}: no RepoDigest for ${registry.host} after publishing (RepoDigests: ${inspect.repoDigests.join(', ') || 'none'})`);
  }

  const targets: Record<TransportName, string> = {
    'docker-archive': `docker-archive:${paths.dockerArchive}`,
    oci: `oci:${paths.ociDir}:latest`,
    'oci-archive': `oci-archive:${paths.ociArchive}`,
    'oci-zstd': `oci:${paths.ociZstdDir}:latest`,
    registry: `registry:${fixture.registryRef}`,
    docker: `docker:${fixture.tag}`,
    dir: `dir:${paths.rootfsDir}`,
  };
  return {
    name: fixture.name,
    tag: fixture.tag,
    registryRef: fixture.registryRef,
    registryDigest,
    targets,
    paths,
    oci: { oci, 'oci-archive': ociArchive, 'oci-zstd': ociZstd },
    inspect,
    dpkg,
    dpkgFiles,
    osRelease,
    layers,
    dpkgStatusLayer,
  };
}

export async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** sha256 over a directory's relative file names and contents: the cache key of a build context. */
export async function hashDirectory(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(path.join(dir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function skopeoCopy(args: readonly string[]): Promise<unknown> {
  // --insecure-policy: the source is an archive this harness just wrote; no signature policy applies.
  return runCommand('skopeo', ['--insecure-policy', 'copy', '-q', ...args], { timeoutMs: 15 * 60_000 });
}

const ociManifestSchema = z.object({
  config: z.object({ digest: z.string() }),
  layers: z.array(z.object({ mediaType: z.string() })),
});

async function ociFacts(reference: string): Promise<OciExportFacts> {
  const raw = await runCommand('skopeo', ['inspect', '--raw', reference]);
  const manifest = ociManifestSchema.parse(JSON.parse(raw.stdout));
  const digest = (await runCommand('skopeo', ['inspect', '--format', '{{.Digest}}', reference])).stdout.trim();
  return {
    manifestDigest: digest,
    configDigest: manifest.config.digest,
    layerMediaTypes: manifest.layers.map((layer) => layer.mediaType),
  };
}

/** The `dir:` transport: the container filesystem as `docker export` writes it, unpacked. */
async function exportRootfs(daemon: DockerDaemon, tag: string, rootfsDir: string): Promise<void> {
  await mkdir(rootfsDir, { recursive: true });
  const id = (await daemon.docker(['create', '--network', 'none', tag])).stdout.trim();
  try {
    await runPipeline('"$1" export "$2" | tar -x --numeric-owner -C "$3"', [DOCKER_CLI, id, rootfsDir], { env: daemon.env });
  } finally {
    await daemon.docker(['rm', '-f', id], { allowFailure: true });
  }
}

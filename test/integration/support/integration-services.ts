/**
 * Starts everything the integration tests run against, in one place: a
 * private dockerd, a private registry, the Debian 12 base image and the
 * fixture images in every transport. Returns the facts for the tests and one
 * `stop` that undoes it all (daemons stopped, temp directories removed, the
 * cache kept).
 */
import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { importDebianBase } from './debian-base.js';
import { startDockerDaemon } from './docker-daemon.js';
import { describeFixtureImage, fixtureNames, loadFixtureImage, publishFixtureImages } from './fixture-images.js';
import type { FixtureImage, ReadyFacts } from './integration-facts.js';
import { startRegistry } from './registry.js';
import { runCommand } from './run-command.js';
import { unmountUnder } from './unmount-under.js';

/** Every temp root starts with this, so .ci/run can find and stop what a crashed run left behind. */
export const TEMP_PREFIX = 'bulkhead-it-';

export const REQUIRED_TOOLS = ['/usr/sbin/dockerd', 'docker-registry', 'debootstrap', 'skopeo', 'zstd', 'tar'] as const;

export interface IntegrationServices {
  readonly facts: ReadyFacts;
  stop(): Promise<void>;
}

export interface IntegrationServicesOptions {
  readonly repoRoot: string;
  readonly cacheDir?: string;
  readonly log?: (line: string) => void;
}

/** Why the services cannot start on this machine, or undefined when they can try. */
export async function missingPrerequisite(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'needs root to run dockerd and debootstrap';
  const missing: string[] = [];
  for (const tool of REQUIRED_TOOLS) {
    const found = tool.startsWith('/')
      ? await access(tool).then(() => true, () => false)
      : (await runCommand('sh', ['-c', 'command -v "$1"', 'sh', tool], { allowFailure: true })).code === 0;
    if (!found) missing.push(tool);
  }
  if (missing.length > 0) return `missing ${missing.join(', ')} (apt-get install docker.io docker-registry debootstrap skopeo zstd)`;
  return undefined;
}

/**
 * Deleting a gigabyte of layers takes longer than vitest's teardown timeout
 * on a busy machine, after which vitest exits the process. The daemons are
 * already stopped by then, so a detached `rm -rf` may safely outlive us.
 */
async function removeInBackground(dir: string): Promise<void> {
  const child = spawn('rm', ['-rf', '--one-file-system', dir], { detached: true, stdio: 'ignore' });
  const done = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await Promise.race([done, sleep(3_000, undefined, { ref: false })]);
  child.unref();
}

export async function startIntegrationServices(options: IntegrationServicesOptions): Promise<IntegrationServices> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[integration] ${line}\n`));
  const cacheDir = options.cacheDir ?? process.env.BULKHEAD_TEST_CACHE_DIR ?? path.join(options.repoRoot, '.cache', 'integration');
  await mkdir(cacheDir, { recursive: true });
  const tempRoot = await mkdtemp(path.join(os.tmpdir(), TEMP_PREFIX));
  await writeFile(path.join(tempRoot, 'owner.pid'), `${process.pid}\n`);

  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    // Reverse order of start; one failing stop must not leave the others running.
    const errors: unknown[] = [];
    const start = performance.now();
    for (const fn of stops.reverse()) {
      await fn().catch((error: unknown) => errors.push(error));
    }
    stops.length = 0;
    await unmountUnder(tempRoot);
    log(`services stopped in ${Math.round((performance.now() - start) / 100) / 10} s`);
    await removeInBackground(tempRoot);
    if (errors.length > 0) throw new AggregateError(errors, 'integration teardown failed');
  };

  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      timings[step] = Math.round((performance.now() - start) / 100) / 10;
      log(`${step}: ${timings[step]} s`);
    }
  };

  try {
    const total = performance.now();
    const [daemon, registry] = await Promise.all([
      timed('dockerd', () => startDockerDaemon({ root: path.join(tempRoot, 'docker') })),
      timed('registry', () => startRegistry({ root: path.join(tempRoot, 'registry') })),
    ]);
    stops.push(daemon.stop, registry.stop);
    // If the test process dies without teardown, at least the daemons go with it (.ci/run sweeps the rest).
    const killOnExit = (): void => {
      for (const pid of [registry.pid, daemon.pid]) {
        try {
          if (pid > 0) process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    process.once('exit', killOnExit);
    stops.push(async () => {
      process.removeListener('exit', killOnExit);
    });
    const base = await timed('debian base', () => importDebianBase(daemon, cacheDir, log));

    const imagesDir = path.join(options.repoRoot, 'test', 'integration', 'images');
    const workDir = path.join(tempRoot, 'work');
    await mkdir(workDir, { recursive: true });
    const ctx = { daemon, registry, base, imagesDir, cacheDir, workDir, log };
    const names = await fixtureNames(imagesDir);
    // Builds run in parallel: one build's apt downloads overlap the other's compression.
    const loaded = await timed('fixture images', () => Promise.all(names.map((name) => loadFixtureImage(ctx, name))));
    await timed('registry publish', () => publishFixtureImages(ctx, loaded));
    const described = await timed('exports and expectations', () =>
      Promise.all(loaded.map((fixture) => describeFixtureImage(ctx, fixture))),
    );
    const images: Record<string, FixtureImage> = Object.fromEntries(described.map((image) => [image.name, image]));
    timings.total = Math.round((performance.now() - total) / 100) / 10;
    log(`ready in ${timings.total} s (debian base ${base.fromCache ? 'from cache' : 'built'})`);

    const facts: ReadyFacts = {
      ready: true,
      dockerHost: daemon.host,
      dockerClientConfig: String(daemon.env.DOCKER_CONFIG),
      registry: { host: registry.host, url: registry.url },
      debian: { tag: base.tag, mirror: base.mirror },
      images,
      workDir,
      timings,
    };
    return { facts, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

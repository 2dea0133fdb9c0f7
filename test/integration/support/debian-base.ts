/**
 * The Debian 12 base image every fixture builds on, made from scratch with
 * debootstrap (no pull from Docker Hub) and imported into the private daemon.
 * The rootfs tarball is cached across runs, keyed by suite, variant, mirror
 * and architecture, so only the first run pays for debootstrap.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { debianMirror } from './apt-mirror.js';
import { DOCKER_CLI } from './docker-client-env.js';
import type { DockerDaemon } from './docker-daemon.js';
import { runCommand, runPipeline } from './run-command.js';
import { unmountUnder } from './unmount-under.js';

export const DEBIAN_BASE_TAG = 'bulkhead-test/debian:12';
const SUITE = 'bookworm';
const VARIANT = 'minbase';

export interface DebianBase {
  readonly tag: string;
  readonly mirror: string;
  /** Identifies the cached rootfs: fixture images built on it are cached under this key too. */
  readonly cacheKey: string;
  readonly tarball: string;
  readonly fromCache: boolean;
}

export async function importDebianBase(daemon: DockerDaemon, cacheDir: string, log: (line: string) => void): Promise<DebianBase> {
  const mirror = await debianMirror(SUITE);
  const arch = (await runCommand('dpkg', ['--print-architecture'])).stdout.trim();
  const cacheKey = createHash('sha256').update(`debootstrap ${VARIANT} ${SUITE} ${arch} ${mirror}`).digest('hex').slice(0, 16);
  const tarball = path.join(cacheDir, `debian-${SUITE}-${VARIANT}-${arch}-${cacheKey}.tar.zst`);
  const fromCache = await access(tarball).then(
    () => true,
    () => false,
  );
  if (!fromCache) {
    log(`debootstrap --variant=${VARIANT} ${SUITE} from ${mirror} (cold cache)`);
    await buildRootfsTarball(cacheDir, tarball, mirror);
  }
  await runPipeline('zstd -dcq -- "$1" | "$2" import - "$3"', [tarball, DOCKER_CLI, DEBIAN_BASE_TAG], {
    env: daemon.env,
  });
  return { tag: DEBIAN_BASE_TAG, mirror, cacheKey, tarball, fromCache };
}

async function buildRootfsTarball(cacheDir: string, tarball: string, mirror: string): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(path.join(cacheDir, 'debootstrap-'));
  const rootfs = path.join(work, 'rootfs');
  const partial = `${tarball}.partial-${process.pid}`;
  try {
    await runCommand('debootstrap', [`--variant=${VARIANT}`, SUITE, rootfs, mirror], { timeoutMs: 30 * 60_000 });
    // Package lists and downloaded .debs are not part of an image; official images drop them too.
    await runPipeline(
      'tar -C "$1" --numeric-owner --exclude=./var/lib/apt/lists/* --exclude=./var/cache/apt/archives/*.deb -c . | zstd -q -T0 -o "$2"',
      [rootfs, partial],
      { timeoutMs: 10 * 60_000 },
    );
    // Atomic: a concurrent or interrupted run never sees half a tarball.
    await rename(partial, tarball);
  } finally {
    await unmountUnder(work);
    await rm(work, { recursive: true, force: true });
    await rm(partial, { force: true });
  }
}

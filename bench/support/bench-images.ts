/**
 * Real images for the benchmarks, built with the integration harness's
 * private dockerd on the cached debootstrap base, saved as docker-archives
 * under .cache/bench/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDockerDaemon } from '../../test/integration/support/docker-daemon.js';
import { importDebianBase, DEBIAN_BASE_TAG } from '../../test/integration/support/debian-base.js';

export const CACHE_DIR = path.resolve(new URL('../../.cache/bench/', import.meta.url).pathname);

export interface BenchImage {
  readonly name: string;
  /** Extra Dockerfile lines on top of the Debian 12 minbase image; none = the base itself. */
  readonly dockerfile?: string;
}

/** Returns docker-archive paths for the requested images, building the missing ones. */
export async function benchImages(images: readonly BenchImage[]): Promise<Map<string, string>> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const paths = new Map(images.map((i) => [i.name, path.join(CACHE_DIR, `${i.name}.tar`)]));
  const missing = images.filter((i) => !existsSync(paths.get(i.name) ?? ''));
  if (missing.length === 0) return paths;
  const root = mkdtempSync(path.join(tmpdir(), 'bulkhead-bench-docker-'));
  const daemon = await startDockerDaemon({ root });
  try {
    await importDebianBase(daemon, path.join(CACHE_DIR, '..', 'integration'), (line) => process.stderr.write(`${line}\n`));
    for (const image of missing) {
      const tag = `bulkhead-bench/${image.name}:1`;
      if (image.dockerfile) {
        const context = path.join(root, `ctx-${image.name}`);
        mkdirSync(context);
        writeFileSync(path.join(context, 'Dockerfile'), `FROM ${DEBIAN_BASE_TAG}\n${image.dockerfile}\n`);
        await daemon.docker(['build', '--network', 'host', '-t', tag, context], { timeoutMs: 1_800_000 });
      } else {
        await daemon.docker(['tag', DEBIAN_BASE_TAG, tag]);
      }
      await daemon.docker(['save', '-o', paths.get(image.name) ?? '', tag], { timeoutMs: 600_000 });
    }
  } finally {
    await daemon.stop();
    rmSync(root, { recursive: true, force: true });
  }
  return paths;
}

// The Docker daemon source against the harness's private dockerd: the image
// is exported over the Engine API and streamed; expectations come from
// `docker inspect`, the image's own /etc/os-release and the layer listings of
// `docker save`.
import path from 'node:path';
import { expect, it } from 'vitest';
import { BadInputError } from '../../src/domain/errors.js';
import { readImage } from '../../src/image/read-image.js';
import { DockerEngineError } from '../../src/image/sources/docker-daemon-client.js';
import { openDockerDaemonImage } from '../../src/image/sources/docker-daemon.js';
import { describeWithServices } from './support/integration-facts.js';

// Debian's /etc/os-release is a symlink to /usr/lib/os-release: keep both ends.
const WANTED = new Set(['/etc/os-release', '/usr/lib/os-release', '/var/lib/dpkg/status']);

describeWithServices('Docker daemon source against a real dockerd', (facts) => {
  const images = Object.values(facts.images);

  it.each(images.map((image) => [image.name, image] as const))('streams %s out of the Engine', async (_name, image) => {
    const source = await openDockerDaemonImage(image.tag, { host: facts.dockerHost });
    try {
      const { tree, metadata, warnings } = await readImage(source, {
        selects: (p) => WANTED.has(p),
      });
      expect(warnings).toEqual([]);
      expect(metadata.configDigest).toBe(image.inspect.id);
      expect(metadata.repoTags).toEqual(image.inspect.repoTags);
      expect(metadata.repoDigests).toEqual(image.inspect.repoDigests);
      expect(metadata.layers.map((l) => l.diffId)).toEqual(image.inspect.layers);
      expect(metadata.config.env).toEqual(image.inspect.env);
      expect(metadata.config.user ?? '').toBe(image.inspect.user);
      expect((await tree.read('/etc/os-release', 64 * 1024)).toString('utf8')).toBe(image.osRelease);
      expect(tree.get('/var/lib/dpkg/status')).toBeDefined();
      // Whatever a later layer whited out is gone from the squashed tree (unless re-created above it).
      for (const [i, layer] of image.layers.entries()) {
        const later = image.layers.slice(i + 1).flatMap((l) => l.entries);
        for (const whiteout of layer.whiteouts) {
          const base = path.posix.basename(whiteout);
          if (base === '.wh..wh..opq') continue;
          const deleted = path.posix.join(path.posix.dirname(whiteout), base.slice('.wh.'.length));
          if (later.some((e) => e === deleted || e === `${deleted}/`)) continue;
          expect(tree.lstat(`/${deleted}`), `/${deleted} is whited out by layer ${i}`).toBeUndefined();
        }
      }
    } finally {
      await source.close();
    }
  });

  it('opens an image by its ID and honours DOCKER_HOST', async () => {
    const image = images[0]!;
    const previous = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = facts.dockerHost;
    try {
      const source = await openDockerDaemonImage(image.inspect.id);
      const metadata = await source.metadata();
      expect(metadata.configDigest).toBe(image.inspect.id);
      expect(metadata.layers.map((l) => l.diffId)).toEqual(image.inspect.layers);
      await source.close();
    } finally {
      if (previous === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = previous;
    }
  });

  it('says how to get a missing image', async () => {
    await expect(openDockerDaemonImage('bulkhead-test/not-there:1', { host: facts.dockerHost })).rejects.toThrow(
      new BadInputError('image not found in the local Docker Engine: bulkhead-test/not-there:1 (docker pull it first)'),
    );
  });

  it('names the socket when nothing listens on it', async () => {
    const socket = path.join(facts.workDir, 'no-daemon.sock');
    const error = await openDockerDaemonImage('debian', { host: `unix://${socket}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerEngineError);
    expect((error as Error).message).toContain(`cannot reach the Docker Engine at unix://${socket}`);
  });
});

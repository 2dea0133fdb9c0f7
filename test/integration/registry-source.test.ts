// The registry source against real registries: the harness's docker-registry
// (images pushed by a real `docker push`), one behind htpasswd Basic auth and
// one behind Bearer token auth, filled by `skopeo copy`. Expected digests and
// contents come from docker push, docker inspect, skopeo inspect and the
// image's own /etc/os-release.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BadInputError } from '../../src/domain/errors.js';
import { parsePlatform } from '../../src/image/platform.js';
import { readImage } from '../../src/image/read-image.js';
import { openRegistryImage } from '../../src/image/sources/registry.js';
import type { RegistryImageOptions } from '../../src/image/sources/registry.js';
import { startBasicAuthRegistry, startTokenAuthRegistry } from './support/auth-registry.js';
import type { AuthRegistry } from './support/auth-registry.js';
import { describeWithServices } from './support/integration-facts.js';

// Debian's /etc/os-release is a symlink to /usr/lib/os-release: keep both ends.
const WANTED = new Set(['/etc/os-release', '/usr/lib/os-release', '/var/lib/dpkg/status']);
import type { FixtureImage } from './support/integration-facts.js';
import { runCommand } from './support/run-command.js';

const USER = { username: 'alice', password: 'w0nder:land' };
const sha256 = (bytes: Buffer | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function skopeo(args: readonly string[]): Promise<unknown> {
  return runCommand('skopeo', ['--insecure-policy', ...args], { timeoutMs: 10 * 60_000 });
}

describeWithServices('registry source against real registries', (facts) => {
  const image: FixtureImage = facts.images['user-whiteout'] ?? Object.values(facts.images)[0]!;
  const repo = image.registryRef.slice(facts.registry.host.length + 1).replace(/:latest$/, '');
  const work = path.join(facts.workDir, 'registry-source');
  let configPath: string;
  const base = (): RegistryImageOptions => ({ insecure: true, dockerConfigPath: configPath, timeoutMs: 60_000 });

  async function expectFixtureContent(ref: string, options: RegistryImageOptions): Promise<void> {
    const source = await openRegistryImage(ref, options);
    try {
      const { tree, metadata } = await readImage(source, { selects: (p) => WANTED.has(p) });
      expect((await tree.read('/etc/os-release', 64 * 1024)).toString('utf8')).toBe(image.osRelease);
      expect(tree.get('/var/lib/dpkg/status')).toBeDefined();
      expect(metadata.layers.map((l) => l.diffId)).toEqual(image.inspect.layers);
    } finally {
      await source.close();
    }
  }

  beforeAll(async () => {
    await mkdir(work, { recursive: true });
    configPath = path.join(work, 'empty-docker-config.json');
    await writeFile(configPath, '{}');
  });

  it('reads a pushed image: digests from docker push and docker inspect, content from the image', async () => {
    const source = await openRegistryImage(image.registryRef, base());
    const metadata = await source.metadata();
    expect(metadata.manifestDigest).toBe(image.registryDigest);
    expect(metadata.configDigest).toBe(image.inspect.id);
    expect(metadata.repoTags).toEqual([image.registryRef]);
    expect(metadata.repoDigests).toEqual([`${facts.registry.host}/${repo}@${image.registryDigest}`]);
    expect(metadata.os).toBe(image.inspect.os);
    expect(metadata.architecture).toBe(image.inspect.architecture);
    expect(metadata.config.user ?? '').toBe(image.inspect.user);
    expect(metadata.config.env).toEqual(image.inspect.env);
    await source.close();
    await expectFixtureContent(image.registryRef, base());
  });

  it('pulls by digest', async () => {
    const ref = `${facts.registry.host}/${repo}@${image.registryDigest}`;
    const source = await openRegistryImage(ref, base());
    expect((await source.metadata()).configDigest).toBe(image.inspect.id);
    await source.close();
  });

  it('refuses the plain-HTTP registry without --insecure', async () => {
    await expect(openRegistryImage(image.registryRef, { ...base(), insecure: false })).rejects.toThrow(/--insecure/);
  });

  it('reports an unknown tag as "manifest unknown"', async () => {
    const ref = `${facts.registry.host}/${repo}:no-such-tag`;
    await expect(openRegistryImage(ref, base())).rejects.toThrow(new BadInputError(`manifest unknown: ${ref}`));
  });

  it('selects a platform from a multi-platform index copied in by skopeo', async () => {
    // An OCI layout whose index names the fixture for linux/amd64 and an annotated twin for linux/arm64.
    const layout = path.join(work, 'multi-oci');
    await cp(image.paths.ociDir, layout, { recursive: true });
    const top = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; size: number; mediaType: string }[] };
    const amd64 = top.manifests[0]!;
    const blob = (digest: string): string => path.join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length));
    const twin = JSON.parse(await readFile(blob(amd64.digest), 'utf8')) as Record<string, unknown>;
    twin.annotations = { 'org.example.platform-twin': 'arm64' };
    const twinBytes = Buffer.from(JSON.stringify(twin));
    await writeFile(blob(sha256(twinBytes)), twinBytes);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: amd64.mediaType, digest: amd64.digest, size: amd64.size, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: amd64.mediaType, digest: sha256(twinBytes), size: twinBytes.length, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      }),
    );
    await writeFile(blob(sha256(index)), index);
    await writeFile(
      path.join(layout, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(index), size: index.length, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }],
      }),
    );
    const ref = `${facts.registry.host}/bulkhead-test/multi-platform:1`;
    await skopeo(['copy', '-q', '--all', '--dest-tls-verify=false', `oci:${layout}:multi`, `docker://${ref}`]);
    // What the registry now serves, as skopeo sees it.
    const raw = await runCommand('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
    const served = JSON.parse(raw.stdout) as { manifests: { digest: string; platform: { architecture: string } }[] };
    const byArch = new Map(served.manifests.map((m) => [m.platform.architecture, m.digest]));

    const arm = await openRegistryImage(ref, { ...base(), platform: parsePlatform('linux/arm64') });
    expect((await arm.metadata()).manifestDigest).toBe(byArch.get('arm64'));
    expect((await arm.metadata()).repoDigests).toEqual([`${facts.registry.host}/bulkhead-test/multi-platform@${sha256(raw.stdout)}`]);
    const amd = await openRegistryImage(ref, { ...base(), platform: parsePlatform('linux/amd64') });
    expect((await amd.metadata()).manifestDigest).toBe(byArch.get('amd64'));
    await expect(openRegistryImage(ref, { ...base(), platform: parsePlatform('linux/s390x') })).rejects.toThrow(
      'has no image for platform linux/s390x; available: linux/amd64, linux/arm64/v8',
    );
  });

  describeWithServices('behind htpasswd Basic auth', () => {
    let registry: AuthRegistry;
    let ref: string;
    beforeAll(async () => {
      registry = await startBasicAuthRegistry(path.join(work, 'basic-registry'), USER);
      ref = `${registry.host}/team/app:1`;
      await skopeo([
        'copy', '-q', '--src-tls-verify=false', '--dest-tls-verify=false',
        '--dest-creds', `${USER.username}:${USER.password}`,
        `docker://${image.registryRef}`, `docker://${ref}`,
      ]);
    });
    afterAll(async () => {
      await registry?.stop();
    });

    it('asks for credentials when none are configured', async () => {
      await expect(openRegistryImage(ref, base())).rejects.toThrow(
        `authentication required for ${registry.host}: run docker login or pass --username/--password-stdin`,
      );
    });

    it('pulls with explicit credentials', async () => {
      await expectFixtureContent(ref, { ...base(), ...USER });
    });

    it('pulls with credentials from a Docker config file', async () => {
      const file = path.join(work, 'basic-docker-config.json');
      await writeFile(file, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${USER.username}:${USER.password}`).toString('base64') } } }));
      const source = await openRegistryImage(ref, { ...base(), dockerConfigPath: file });
      expect((await source.metadata()).configDigest).toBe(image.inspect.id);
    });

    it('rejects a wrong password', async () => {
      await expect(openRegistryImage(ref, { ...base(), username: USER.username, password: 'nope' })).rejects.toThrow(
        /^authentication failed for 127\.0\.0\.1:\d+ as alice/,
      );
    });
  });

  describeWithServices('behind Bearer token auth', () => {
    let registry: AuthRegistry;
    beforeAll(async () => {
      registry = await startTokenAuthRegistry(path.join(work, 'token-registry'), USER);
      for (const target of ['public/app:1', 'private/app:1']) {
        await skopeo([
          'copy', '-q', '--src-tls-verify=false', '--dest-tls-verify=false',
          '--dest-creds', `${USER.username}:${USER.password}`,
          `docker://${image.registryRef}`, `docker://${registry.host}/${target}`,
        ]);
      }
    });
    afterAll(async () => {
      await registry?.stop();
    });

    it('pulls a public repository with an anonymous token', async () => {
      registry.tokenRequests.length = 0;
      await expectFixtureContent(`${registry.host}/public/app:1`, base());
      expect(registry.tokenRequests.length).toBeGreaterThan(0);
      expect(registry.tokenRequests.every((r) => r.user === undefined && r.service === 'bulkhead-test-registry')).toBe(true);
      expect(registry.tokenRequests.map((r) => r.scope)).toContain('repository:public/app:pull');
    });

    it('needs credentials for a private repository', async () => {
      await expect(openRegistryImage(`${registry.host}/private/app:1`, base())).rejects.toThrow(
        `authentication required for ${registry.host}: run docker login or pass --username/--password-stdin`,
      );
    });

    it('pulls a private repository with a token bought with credentials', async () => {
      registry.tokenRequests.length = 0;
      await expectFixtureContent(`${registry.host}/private/app:1`, { ...base(), ...USER });
      expect(registry.tokenRequests.map((r) => [r.user, r.scope])).toContainEqual(['alice', 'repository:private/app:pull']);
    });

    it('rejects a wrong password at the token server', async () => {
      await expect(openRegistryImage(`${registry.host}/private/app:1`, { ...base(), username: USER.username, password: 'nope' })).rejects.toThrow(
        /^authentication failed for 127\.0\.0\.1:\d+ as alice/,
      );
    });
  });
});

/**
 * The library's `inventory()` against real images in every transport it
 * reads, with the answers taken from real tools: dpkg-query inside the image
 * for the package list, docker inspect and skopeo for the metadata, tar
 * listings of the saved layers for "which layer wrote this file". The CLI is
 * checked end to end on the built dist/.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { PackageURL } from 'packageurl-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../../src/index.js';
import type { Inventory, Package } from '../../src/index.js';
import { describeWithServices } from './support/integration-facts.js';
import type { DpkgRecord, FixtureImage, ReadyFacts, TransportName } from './support/integration-facts.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

const TRANSPORTS: readonly TransportName[] = ['docker-archive', 'oci', 'oci-archive', 'oci-zstd', 'registry', 'docker', 'dir'];
/** Transports that carry an image config and layers; `dir:` is a bare filesystem. */
const IMAGE_TRANSPORTS = TRANSPORTS.filter((transport) => transport !== 'dir');
/** Placed in one layer and deleted in a later one by the user-whiteout Dockerfile. */
const GHOST = 'bulkhead-ghost';
/** Installed in one layer and purged in a later one by the user-whiteout Dockerfile. */
const PURGED = ['jq', 'libjq1', 'libonig5'];

describeWithServices('inventory() through every transport', (facts) => {
  const inventories = new Map<string, Promise<Inventory>>();
  // Each (image, transport) is inventoried once and shared by the assertions about it.
  const inventoryOf = (image: FixtureImage, transport: TransportName): Promise<Inventory> => {
    const key = `${image.name} ${transport}`;
    let result = inventories.get(key);
    if (!result) {
      result = inventory(image.targets[transport], { insecure: true, dockerHost: facts.dockerHost });
      inventories.set(key, result);
    }
    return result;
  };

  for (const image of Object.values(facts.images)) {
    describe(image.name, () => {
      for (const transport of TRANSPORTS) {
        describe(transport, () => {
          it('finds exactly the deb packages dpkg-query lists, with canonical purls', async () => {
            const inv = await inventoryOf(image, transport);
            const debs = inv.packages.filter((pkg) => pkg.ecosystem === 'deb');
            expect(debs.map(debRecord).sort(byName)).toEqual([...image.dpkg].sort(byName));
            for (const pkg of debs) expectDebPurl(pkg, image.dpkg.find((record) => record.name === pkg.name && record.arch === pkg.arch));
            expect(inv.distro).toMatchObject({ id: osReleaseField(image, 'ID'), versionId: osReleaseField(image, 'VERSION_ID') });
          });

          it('reports nothing that was deleted in a later layer', async () => {
            const inv = await inventoryOf(image, transport);
            const names = inv.packages.map((pkg) => pkg.name);
            expect(names).not.toContain(GHOST);
            for (const purged of PURGED) expect(names).not.toContain(purged);
            const paths = inv.packages.flatMap((pkg) => pkg.locations.map((location) => location.path));
            expect(paths.filter((p) => p.includes(GHOST))).toEqual([]);
          });
        });
      }

      for (const transport of IMAGE_TRANSPORTS) {
        describe(transport, () => {
          it('records the layer that introduced each package and the layer that wrote each file', async () => {
            const inv = await inventoryOf(image, transport);
            const status = inv.packages
              .filter((pkg) => pkg.ecosystem === 'deb')
              .flatMap((pkg) => pkg.locations.filter((location) => location.path === '/var/lib/dpkg/status'));
            expect(status.length).toBe(image.dpkg.length);
            for (const pkg of inv.packages) {
              for (const [index, location] of pkg.locations.entries()) {
                expect(image.inspect.layers).toContain(location.layer);
                // An OS package's first location names the layer that brought it in; every other the file's last writer.
                const expected =
                  index === 0 && pkg.ecosystem === 'deb'
                    ? (introducingLayer(image, pkg.name) ?? image.dpkgStatusLayer)
                    : lastWriter(image, location.path);
                expect(location.layer, `${pkg.purl} at ${location.path}`).toBe(expected);
              }
            }
          });

          it('reads the image metadata docker inspect and skopeo report', async () => {
            const inv = await inventoryOf(image, transport);
            const meta = inv.image;
            expect(meta).toBeDefined();
            if (!meta) return;
            expect(meta.config.user ?? '').toBe(image.inspect.user);
            expect(meta.config.env).toEqual(image.inspect.env);
            expect(meta.config.labels).toEqual(image.inspect.labels);
            expect(meta.config.workingDir ?? '').toBe(image.inspect.workingDir);
            expect(meta.config.cmd ?? []).toEqual(image.inspect.cmd);
            expect(meta.os).toBe(image.inspect.os);
            expect(meta.architecture).toBe(image.inspect.architecture);
            expect(meta.layers.map((layer) => layer.diffId)).toEqual(image.inspect.layers);
            const expected = expectedDigests(image, transport);
            expect(meta.configDigest).toBe(expected.config);
            if (expected.manifest) expect(meta.manifestDigest).toBe(expected.manifest);
            if (transport === 'docker-archive') expect(meta.repoTags).toEqual([image.tag]);
            if (transport === 'docker') expect([...meta.repoTags].sort()).toEqual([...image.inspect.repoTags].sort());
          });
        });
      }

      it('gives the same packages through every transport', async () => {
        const sets = await Promise.all(
          TRANSPORTS.map(async (transport) => [transport, packageSet(await inventoryOf(image, transport))] as const),
        );
        const [, reference] = sets[0]!;
        expect(reference.length).toBeGreaterThan(0);
        for (const [transport, set] of sets) expect(set, transport).toEqual(reference);
      });
    });
  }

  it('docker: finds the daemon through DOCKER_HOST when no dockerHost option is given', async () => {
    const image = Object.values(facts.images)[0]!;
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = facts.dockerHost;
    let viaEnv: Inventory;
    try {
      viaEnv = await inventory(image.targets.docker);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
    expect(viaEnv.image?.configDigest).toBe(image.inspect.id);
    expect(packageSet(viaEnv)).toEqual(packageSet(await inventoryOf(image, 'docker-archive')));
  });

  describe('fixtures are what the tests above assume', () => {
    it('user-whiteout sets a USER and deletes files through whiteouts and an opaque directory', () => {
      const image = facts.images['user-whiteout'];
      expect(image).toBeDefined();
      if (!image) return;
      expect(image.inspect.user).toBe('bulkhead');
      const whiteouts = image.layers.flatMap((layer) => layer.whiteouts);
      expect(whiteouts).toContain(`var/lib/dpkg/status.d/.wh.${GHOST}`);
      expect(whiteouts).toContain('usr/local/lib/node_modules/.wh..wh..opq');
      expect(whiteouts).toContain('usr/bin/.wh.jq');
      // The ghosts and jq really were there before their deletion.
      const written = image.layers.flatMap((layer) => layer.entries);
      expect(written).toContain(`var/lib/dpkg/status.d/${GHOST}`);
      expect(written).toContain(`usr/local/lib/node_modules/${GHOST}/package.json`);
      expect(written).toContain('usr/bin/jq');
      // And dpkg itself agrees they are gone.
      expect(image.dpkg.map((record) => record.name)).not.toContain('jq');
    });

    it('openssl-curl carries OpenSSL and curl, and the zstd layout really is zstd', () => {
      const image = facts.images['openssl-curl'];
      expect(image).toBeDefined();
      if (!image) return;
      expect(image.dpkg.map((record) => record.name)).toEqual(expect.arrayContaining(['openssl', 'libssl3', 'curl', 'libcurl4']));
      expect(new Set(image.oci['oci-zstd'].layerMediaTypes)).toEqual(new Set(['application/vnd.oci.image.layer.v1.tar+zstd']));
      expect(new Set(image.oci.oci.layerMediaTypes)).toEqual(new Set(['application/vnd.oci.image.layer.v1.tar+gzip']));
    });
  });

  describeCli(facts);
});

function describeCli(facts: ReadyFacts): void {
  describe('CLI end to end (dist/bin/main.js)', () => {
    const cli = path.join(repoRoot, 'dist', 'bin', 'main.js');

    beforeAll(async () => {
      // Test what the sources say now, not a dist/ left over from an earlier build.
      await run(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
        cwd: repoRoot,
        timeout: 5 * 60_000,
      });
    }, 5 * 60_000);

    it('sbom --format cyclonedx writes a valid CycloneDX 1.6 document listing every dpkg package', async () => {
      const image = facts.images['openssl-curl'];
      expect(image).toBeDefined();
      if (!image) return;
      const { stdout } = await run(process.execPath, [cli, 'sbom', image.targets['docker-archive'], '--format', 'cyclonedx'], {
        cwd: repoRoot,
        maxBuffer: 256 * 1024 * 1024,
      });
      const bom = JSON.parse(stdout) as { bomFormat?: string; components?: { purl?: string }[] };
      const validate = cycloneDxValidator();
      expect(validate(bom), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      expect(bom.bomFormat).toBe('CycloneDX');
      const debs = (bom.components ?? [])
        .map((component) => component.purl)
        .filter((purl): purl is string => purl?.startsWith('pkg:deb/') ?? false)
        .map((purl) => PackageURL.fromString(purl))
        .map((purl) => `${purl.name}@${purl.version}`);
      expect(debs.sort()).toEqual(image.dpkg.map((record) => `${record.name}@${record.version}`).sort());
    });

    it('a missing archive exits 2 with one line on stderr', async () => {
      const missing = path.join(facts.workDir, 'no-such-image.tar');
      const result = await run(process.execPath, [cli, 'sbom', `docker-archive:${missing}`, '--format', 'cyclonedx'], {
        cwd: repoRoot,
      }).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (error: { code?: number; stdout?: string; stderr?: string }) => ({
          code: error.code,
          stdout: error.stdout ?? '',
          stderr: error.stderr ?? '',
        }),
      );
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('no-such-image.tar');
    });
  });
}

function debRecord(pkg: Package): DpkgRecord {
  // A package built from a source of the same name and version may leave `source` out.
  return {
    name: pkg.name,
    version: pkg.version,
    arch: pkg.arch ?? '',
    sourceName: pkg.source?.name ?? pkg.name,
    sourceVersion: pkg.source?.version ?? pkg.version,
  };
}

function byName(a: DpkgRecord, b: DpkgRecord): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0;
}

/**
 * pkg:deb/debian/<name>@<version>?arch=<arch>&distro=debian-12, name and
 * version percent-encoded, plus Syft's `upstream` qualifier exactly when the
 * source differs from the binary package: `upstream=<source>` when only the
 * name differs, `upstream=<source>@<source version>` when the version does.
 */
function expectDebPurl(pkg: Package, record: DpkgRecord | undefined): void {
  expect(record, `${pkg.name} is not in dpkg-query's list`).toBeDefined();
  if (!record) return;
  const match = /^pkg:deb\/debian\/([^@?#/]+)@([^?#]+)\?arch=([^&#]+)&distro=debian-12(?:&upstream=([^&#]+))?$/.exec(pkg.purl);
  expect(match, pkg.purl).not.toBeNull();
  if (!match) return;
  expect(decodeURIComponent(match[1]!)).toBe(record.name);
  expect(decodeURIComponent(match[2]!)).toBe(record.version);
  expect(decodeURIComponent(match[3]!)).toBe(record.arch);
  const upstream =
    record.sourceVersion !== record.version
      ? `${record.sourceName}@${record.sourceVersion}`
      : record.sourceName !== record.name
        ? record.sourceName
        : undefined;
  expect(match[4] === undefined ? undefined : decodeURIComponent(match[4]), pkg.purl).toBe(upstream);
  const parsed = PackageURL.fromString(pkg.purl);
  expect({ type: parsed.type, namespace: parsed.namespace, name: parsed.name, version: parsed.version }).toEqual({
    type: 'deb',
    namespace: 'debian',
    name: record.name,
    version: record.version,
  });
  expect(parsed.qualifiers).toEqual({ arch: record.arch, distro: 'debian-12', ...(upstream ? { upstream } : {}) });
}

function osReleaseField(image: FixtureImage, field: string): string | undefined {
  const line = image.osRelease.split('\n').find((l) => l.startsWith(`${field}=`));
  return line?.slice(field.length + 1).replace(/^"(.*)"$/, '$1');
}

/**
 * The diffId of the last layer whose tar writes `file` (an absolute path in
 * the image), after resolving symlinks the way the image's own filesystem
 * does: Debian links /usr/share/doc/<binary> to its source's directory.
 */
function lastWriter(image: FixtureImage, file: string): string | undefined {
  const index = lastWriters(image).get(resolveInRootfs(image.paths.rootfsDir, file, true));
  return index === undefined ? undefined : image.layers[index]?.diffId;
}

/**
 * The layer that installed (or last upgraded) a package: an install writes
 * every file dpkg lists for it, so it is the earliest last-writer among them.
 * Directories are shared between packages and do not count; a symlink counts
 * as itself, not as its target.
 */
function introducingLayer(image: FixtureImage, name: string): string | undefined {
  const writers = lastWriters(image);
  let earliest: number | undefined;
  for (const file of image.dpkgFiles[name] ?? []) {
    const index = writers.get(resolveInRootfs(image.paths.rootfsDir, file, false));
    if (index !== undefined && (earliest === undefined || index < earliest)) earliest = index;
  }
  return earliest === undefined ? undefined : image.layers[earliest]?.diffId;
}

const writerMaps = new WeakMap<FixtureImage, Map<string, number>>();

/** Absolute path of every non-directory entry → index of the last layer that writes it. */
function lastWriters(image: FixtureImage): Map<string, number> {
  let writers = writerMaps.get(image);
  if (!writers) {
    writers = new Map();
    for (const [index, layer] of image.layers.entries()) {
      for (const entry of layer.entries) if (entry !== '' && !entry.endsWith('/')) writers.set(`/${entry}`, index);
    }
    writerMaps.set(image, writers);
  }
  return writers;
}

/**
 * Resolves symlinks in `file` against the exported root filesystem, never
 * leaving it; the last component is followed only when `followLast`.
 */
function resolveInRootfs(rootfs: string, file: string, followLast: boolean): string {
  const pending = file.split('/').filter((part) => part !== '');
  const resolved: string[] = [];
  for (let hops = 0; pending.length > 0; ) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    let target: string | undefined;
    if (pending.length > 0 || followLast) {
      try {
        target = readlinkSync(path.join(rootfs, ...resolved, part));
      } catch {
        target = undefined; // not a symlink (or not there): keep the name as it is
      }
    }
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    if (++hops > 40) throw new Error(`too many symlinks resolving ${file}`);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/').filter((piece) => piece !== ''));
  }
  return `/${resolved.join('/')}`;
}

function expectedDigests(image: FixtureImage, transport: TransportName): { config: string; manifest?: string } {
  switch (transport) {
    case 'oci':
    case 'oci-archive':
    case 'oci-zstd':
      // skopeo rewrites the config when it converts to OCI, so the digest is skopeo's, not docker's.
      return { config: image.oci[transport].configDigest, manifest: image.oci[transport].manifestDigest };
    case 'registry':
      return { config: image.inspect.id, manifest: image.registryDigest };
    default:
      return { config: image.inspect.id };
  }
}

function packageSet(inv: Inventory): string[] {
  return [...new Set(inv.packages.map((pkg) => `${pkg.ecosystem} ${pkg.purl}`))].sort();
}

let compiledValidator: ReturnType<Ajv['compile']> | undefined;

/** The CycloneDX 1.6 JSON schema as the CycloneDX library ships it, compiled with ajv. */
function cycloneDxValidator(): ReturnType<Ajv['compile']> {
  if (compiledValidator) return compiledValidator;
  const dir = path.join(repoRoot, 'node_modules', '@cyclonedx', 'cyclonedx-library', 'res', 'schema');
  const load = (file: string): object => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as object;
  const ajv = new Ajv({ strict: false, logger: false });
  addFormats.default(ajv);
  // Formats ajv-formats does not know; the schema uses them only for documentation URLs and e-mails.
  ajv.addFormat('iri-reference', true);
  ajv.addFormat('idn-email', true);
  for (const file of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json', 'cryptography-defs.SNAPSHOT.schema.json']) {
    ajv.addSchema(load(file), `http://cyclonedx.org/schema/${file}`);
  }
  compiledValidator = ajv.compile(load('bom-1.6.SNAPSHOT.schema.json'));
  return compiledValidator;
}

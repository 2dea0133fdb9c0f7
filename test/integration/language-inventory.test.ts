/**
 * Language packages in real images, against each ecosystem's own tools:
 * `npm ls --all --json` inside the Node image (a real `npm install` from the
 * npm registry), Python's importlib.metadata inside the Debian image, `go
 * version -m` on the Go binaries Debian ships, `unzip -p` of the
 * pom.properties in Debian's jars, and `dpkg -S` for which Debian package
 * installed each language package. Inventories go through the library API,
 * as docker-archive and as `dir:` of the exported rootfs.
 */
import { execFile } from 'node:child_process';
import { readdirSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PackageURL } from 'packageurl-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../../src/index.js';
import type { Inventory, Package } from '../../src/index.js';
import { describeWithServices } from './support/integration-facts.js';
import { dockerFor, prepareLangImage, runIn } from './support/lang-fixtures.js';
import type { LangImage } from './support/lang-fixtures.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);
const MIN_RECALL = 0.99;

describeWithServices('language packages in real images', (facts) => {
  const docker = dockerFor(facts);
  let node: LangImage;
  let debian: LangImage;
  const inventories = new Map<string, Promise<Inventory>>();
  const inventoryOf = (image: LangImage, transport: 'docker-archive' | 'dir'): Promise<Inventory> => {
    const target = transport === 'dir' ? `dir:${image.rootfsDir}` : `docker-archive:${image.dockerArchive}`;
    let result = inventories.get(target);
    if (!result) {
      result = inventory(target);
      inventories.set(target, result);
    }
    return result;
  };

  beforeAll(async () => {
    [node, debian] = await Promise.all([prepareLangImage(facts, repoRoot, 'lang-node'), prepareLangImage(facts, repoRoot, 'lang-debian')]);
  }, 45 * 60_000);

  /** dpkg -S inside the image: which Debian package installed each path (absent = none). */
  const dpkgOwners = async (image: LangImage, paths: readonly string[]): Promise<Map<string, string>> => {
    const owners = new Map<string, string>();
    if (paths.length === 0) return owners;
    const result = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'dpkg', image.tag, '-S', ...paths], {
      allowFailure: true,
    });
    for (const line of result.stdout.split('\n')) {
      // "pkg1, pkg2: /path" (diversions print other shapes, which we never ask about)
      const match = /^([^:]+(?::[a-z0-9]+)?(?:, [^:]+)*): (\/.*)$/.exec(line);
      if (match) owners.set(match[2]!, match[1]!.split(', ')[0]!.replace(/:[a-z0-9]+$/, ''));
    }
    return owners;
  };

  /** Every language package is owned by the deb package `dpkg -S` names for its location, through an 'owns' edge. */
  const expectOwnedAsDpkgSays = async (image: LangImage, inv: Inventory, pkgs: readonly Package[]): Promise<void> => {
    const owners = await dpkgOwners(image, [...new Set(pkgs.map((pkg) => pkg.locations[0]!.path))]);
    const byId = new Map(inv.packages.map((pkg) => [pkg.id, pkg]));
    for (const pkg of pkgs) {
      const location = pkg.locations[0]!.path;
      const expected = owners.get(location);
      expect(expected, `dpkg -S ${location}`).toBeDefined();
      const ownerNames = inv.relationships
        .filter((rel) => rel.type === 'owns' && rel.to === pkg.id)
        .map((rel) => byId.get(rel.from))
        .filter((owner) => owner?.ecosystem === 'deb')
        .map((owner) => owner!.name);
      expect(ownerNames, `owner of ${pkg.purl} at ${location}`).toEqual([expected]);
    }
  };

  describe('lang-node: an npm install from the registry', () => {
    const APP = '/app/node_modules/';
    let all: Set<string>;
    let prod: Set<string>;

    beforeAll(async () => {
      const ls = async (extra: readonly string[]): Promise<Set<string>> =>
        // npm ls exits 1 over peer-dependency complaints but still prints the whole tree.
        npmLsSet(await runIn(docker, node.tag, ['npm', 'ls', '--all', '--json', ...extra], { workdir: '/app', allowFailure: true }));
      [all, prod] = await Promise.all([ls([]), ls(['--omit=dev'])]);
    }, 5 * 60_000);

    it('the fixture pulled nested, scoped and dev dependencies', () => {
      expect(all.size).toBeGreaterThan(60);
      expect([...all].some((id) => id.startsWith('@sindresorhus/is@'))).toBe(true);
      expect([...all].filter((id) => id.startsWith('ms@')).length).toBeGreaterThan(1);
      expect(prod.size).toBeLessThan(all.size);
    });

    for (const transport of ['docker-archive', 'dir'] as const) {
      it(`${transport}: finds every package npm ls lists under /app, and nothing else`, async () => {
        const inv = await inventoryOf(node, transport);
        const app = inv.packages.filter((pkg) => pkg.ecosystem === 'npm' && pkg.locations.some((l) => l.path.startsWith('/app/')));
        for (const cataloger of ['lang/npm-installed', 'lang/npm-lock']) {
          expectRecallAndNoExtras(new Set(app.filter((pkg) => pkg.foundBy === cataloger).map(npmId)), all, cataloger);
        }
      });
    }

    it('installed packages carry canonical npm purls, the app layer, and a location per installed copy', async () => {
      const inv = await inventoryOf(node, 'docker-archive');
      const installed = inv.packages.filter((pkg) => pkg.foundBy === 'lang/npm-installed' && pkg.locations[0]!.path.startsWith(APP));
      const appLayer = node.layers.at(-1);
      for (const pkg of installed) {
        const purl = PackageURL.fromString(pkg.purl);
        expect(purl.type).toBe('npm');
        expect(purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name).toBe(pkg.name);
        expect(purl.version).toBe(pkg.version);
        expect(pkg.locations[0]!.layer, pkg.purl).toBe(appLayer);
      }
      // One package per package.json npm wrote (nested copies included).
      const manifests = (await run('find', [path.join(node.rootfsDir, 'app/node_modules'), '-name', 'package.json', '-path', '*/node_modules/*'])).stdout
        .split('\n')
        .filter((file) => isInstalledManifest(file.slice(node.rootfsDir.length)));
      expect(installed.map((pkg) => pkg.locations[0]!.path).sort()).toEqual(manifests.map((file) => file.slice(node.rootfsDir.length)).sort());
    });

    for (const [cataloger, where] of [
      ['lang/npm-lock', '/app/package-lock.json'],
      ['lang/npm-installed', APP],
    ] as const) {
      it(`${cataloger}: marks as dev exactly what npm ls --omit=dev leaves out`, async () => {
        const inv = await inventoryOf(node, 'docker-archive');
        const app = inv.packages.filter((pkg) => pkg.foundBy === cataloger && pkg.locations[0]!.path.startsWith(where));
        expect(app.length).toBeGreaterThan(0);
        const devOnly = new Set([...all].filter((id) => !prod.has(id)));
        expect(devOnly.size).toBeGreaterThan(0);
        expect([...new Set(app.filter((pkg) => pkg.scope === 'dev').map(npmId))].sort()).toEqual([...devOnly].sort());
        expect([...new Set(app.filter((pkg) => pkg.scope !== 'dev').map(npmId))].sort()).toEqual([...prod].sort());
      });
    }

    it('npm packages outside the app are Debian-installed, owned by the deb package dpkg -S names', async () => {
      const inv = await inventoryOf(node, 'docker-archive');
      const debian = inv.packages.filter((pkg) => pkg.ecosystem === 'npm' && !pkg.locations.some((l) => l.path.startsWith('/app/')));
      expect(debian.length).toBeGreaterThan(50); // npm and node-* under /usr/share/nodejs
      await expectOwnedAsDpkgSays(node, inv, debian);
    });

    it('reports no runtime binary for Debian-owned node', async () => {
      const inv = await inventoryOf(node, 'docker-archive');
      expect(inv.packages.filter((pkg) => pkg.ecosystem === 'binary').map((pkg) => pkg.purl)).toEqual([]);
    });
  });

  describe('lang-debian: Python, Go and Java packages Debian installs', () => {
    it('finds every Python distribution importlib.metadata lists, each owned by its deb package', async () => {
      const script = [
        'import importlib.metadata as m, json',
        'print(json.dumps(sorted({(d.metadata["Name"], d.version) for d in m.distributions()})))',
      ].join('\n');
      const expected = new Set(
        (JSON.parse(await runIn(docker, debian.tag, ['python3', '-c', script])) as [string, string][]).map(([name, version]) => `${pep503(name)}@${version}`),
      );
      expect(expected.size).toBeGreaterThan(5);
      for (const transport of ['docker-archive', 'dir'] as const) {
        const inv = await inventoryOf(debian, transport);
        const pypi = inv.packages.filter((pkg) => pkg.ecosystem === 'pypi');
        expectRecallAndNoExtras(new Set(pypi.map((pkg) => `${pep503(pkg.name)}@${pkg.version}`)), expected, transport);
        for (const pkg of pypi) expect(PackageURL.fromString(pkg.purl).type).toBe('pypi');
        await expectOwnedAsDpkgSays(debian, inv, pypi);
      }
    });

    it('finds every Go binary and module `go version -m` lists, and the Go toolchain as stdlib', async () => {
      const inv = await inventoryOf(debian, 'docker-archive');
      const go = inv.packages.filter((pkg) => pkg.ecosystem === 'go');
      // `go version -m DIR` walks the directory and describes every Go binary in it.
      const expected = goVersionM((await run('go', ['version', '-m', path.join(debian.rootfsDir, 'usr')], { maxBuffer: 64 * 2 ** 20 })).stdout, debian.rootfsDir);
      expect([...expected.keys()].sort()).toEqual(expect.arrayContaining(['/usr/bin/age', '/usr/bin/fzf']));
      expect([...new Set(go.map((pkg) => pkg.locations[0]!.path))].sort()).toEqual([...expected.keys()].sort());
      for (const [binary, modules] of expected) {
        const found = new Set(go.filter((pkg) => pkg.locations[0]!.path === binary).map(goId));
        expectRecallAndNoExtras(found, modules, binary);
      }
      await expectOwnedAsDpkgSays(debian, inv, go);
    });

    it('finds every Maven artifact in the pom.properties of Debian jars, each owned by its deb package', async () => {
      const jars = realJars(path.join(debian.rootfsDir, 'usr'));
      expect(jars.length).toBeGreaterThan(5);
      const expected = new Set<string>();
      const withoutPom: string[] = [];
      for (const jar of jars) {
        const listing = await run('unzip', ['-Z1', jar], { maxBuffer: 64 * 2 ** 20 });
        const poms = listing.stdout.split('\n').filter((entry) => /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(entry));
        const gavs: string[] = [];
        for (const pom of poms) {
          const gav = pomProperties((await run('unzip', ['-p', jar, pom])).stdout);
          if (gav) gavs.push(gav);
        }
        if (gavs.length === 0) withoutPom.push(jar.slice(debian.rootfsDir.length));
        for (const gav of gavs) expected.add(gav);
      }
      const inv = await inventoryOf(debian, 'docker-archive');
      const maven = inv.packages.filter((pkg) => pkg.ecosystem === 'maven');
      // Jars without pom.properties are identified from MANIFEST.MF or the file name; unzip has nothing to compare them with.
      const fromPom = maven.filter((pkg) => !withoutPom.includes(pkg.locations[0]!.path));
      expectRecallAndNoExtras(new Set(fromPom.map(mavenId)), expected);
      for (const pkg of maven.filter((p) => withoutPom.includes(p.locations[0]!.path))) {
        expect(pkg.confidence, `${pkg.purl}: no pom.properties`).not.toBe('high');
      }
      await expectOwnedAsDpkgSays(debian, inv, maven);
    });

    it('dir: of the exported rootfs finds the same Go and Java packages as the docker-archive', async () => {
      const ids = (inv: Inventory): string[] =>
        inv.packages.filter((pkg) => pkg.ecosystem === 'go' || pkg.ecosystem === 'maven').map((pkg) => `${pkg.purl} ${pkg.locations[0]!.path}`).sort();
      expect(ids(await inventoryOf(debian, 'dir'))).toEqual(ids(await inventoryOf(debian, 'docker-archive')));
    });
  });
});

function expectRecallAndNoExtras(found: ReadonlySet<string>, expected: ReadonlySet<string>, label = ''): void {
  const missing = [...expected].filter((id) => !found.has(id)).sort();
  const extra = [...found].filter((id) => !expected.has(id)).sort();
  const recall = expected.size === 0 ? 1 : (expected.size - missing.length) / expected.size;
  expect(recall, `${label} recall ${recall.toFixed(4)}, missing: ${missing.join(', ')}`).toBeGreaterThanOrEqual(MIN_RECALL);
  expect(extra, `${label} not listed by the ecosystem tool`).toEqual([]);
}

function npmId(pkg: Package): string {
  return `${pkg.name}@${pkg.version}`;
}

function mavenId(pkg: Package): string {
  const purl = PackageURL.fromString(pkg.purl);
  return `${purl.namespace}:${purl.name}:${purl.version}`;
}

function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

interface NpmLsNode {
  readonly version?: string;
  readonly missing?: boolean;
  readonly dependencies?: Readonly<Record<string, NpmLsNode>>;
}

/** name@version of every node in `npm ls --all --json`'s tree (the root project excluded). */
function npmLsSet(json: string): Set<string> {
  const ids = new Set<string>();
  const walk = (deps: Readonly<Record<string, NpmLsNode>> | undefined): void => {
    for (const [name, dep] of Object.entries(deps ?? {})) {
      if (dep.missing || dep.version === undefined) continue;
      ids.add(`${name}@${dep.version}`);
      walk(dep.dependencies);
    }
  };
  walk((JSON.parse(json) as NpmLsNode).dependencies);
  return ids;
}

/** A package.json npm installs: <…>/node_modules/<name>/package.json or <…>/node_modules/@scope/<name>/package.json. */
function isInstalledManifest(file: string): boolean {
  const parts = file.split('/');
  const at = parts.lastIndexOf('node_modules');
  const rest = parts.slice(at + 1, -1);
  return rest.length === 1 ? !rest[0]!.startsWith('.') && !rest[0]!.startsWith('@') : rest.length === 2 && rest[0]!.startsWith('@');
}

/**
 * Per binary (path inside the image): module@version for the main module
 * (when versioned), every dep (its replacement when replaced) and
 * stdlib@<go version>. Versions without their leading 'v', so the toolchain
 * ('go1.19.8') and module versions compare the same way.
 */
function goVersionM(output: string, rootfs: string): Map<string, Set<string>> {
  const binaries = new Map<string, Set<string>>();
  let ids = new Set<string>();
  const lines = output.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const header = /^(\/.*): go(\S+)$/.exec(lines[i]!);
    if (header) {
      ids = new Set([`stdlib@${header[2]}`]);
      binaries.set(header[1]!.slice(rootfs.length), ids);
      continue;
    }
    const [kind, modPath, version] = lines[i]!.trim().split('\t');
    if (kind !== 'mod' && kind !== 'dep') continue;
    const next = lines[i + 1]?.trim().split('\t');
    if (next?.[0] === '=>') {
      ids.add(`${next[1]}@${next[2]!.replace(/^v/, '')}`);
      i++;
      continue;
    }
    if (kind === 'mod' && (version === undefined || version === '(devel)')) continue;
    ids.add(`${modPath}@${version!.replace(/^v/, '')}`);
  }
  return binaries;
}

function goId(pkg: Package): string {
  return `${pkg.name}@${pkg.version.replace(/^v/, '')}`;
}

/** groupId:artifactId:version of one pom.properties file (java.util.Properties syntax, simple keys). */
function pomProperties(text: string): string | undefined {
  const props: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^([A-Za-z.]+)\s*[=:]\s*(.*)$/.exec(line);
    if (match) props[match[1]!] = match[2]!.trim();
  }
  const { groupId, artifactId, version } = props;
  return groupId && artifactId && version ? `${groupId}:${artifactId}:${version}` : undefined;
}

/** Regular *.jar files under a directory (Debian's unversioned names and most of /usr/share/maven-repo are symlinks to them). */
function realJars(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.name.endsWith('.jar'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => lstatSync(file).isFile());
}

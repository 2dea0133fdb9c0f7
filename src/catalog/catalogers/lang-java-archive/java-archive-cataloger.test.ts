import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeZip } from '../../zip/zip-writer.js';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { splitArchiveFileName } from './archive-file-name.js';
import { javaArchiveCataloger } from './java-archive-cataloger.js';
import { parseJavaProperties } from './parse-java-properties.js';
import { parseManifestMainSection } from './parse-manifest.js';

const dir = fileURLToPath(new URL('testdata/', import.meta.url));
const read = (name: string) => readFileSync(path.join(dir, name));

/** groupId:artifactId@version from `unzip -p` output of a pom.properties. */
function gavOf(text: string): string {
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(text)?.[1]?.trim();
  return `${get('groupId')}:${get('artifactId')}@${get('version')}`;
}

const summary = (p: { name: string; version: string }) => `${p.name}@${p.version}`;

describe('javaArchiveCataloger on real Debian jars', () => {
  for (const jar of ['commons-cli-1.5.0.jar', 'wagon-file-3.5.3.jar']) {
    it(`reads pom.properties of ${jar}`, async () => {
      const tree = memoryFileTree({ [`/usr/share/java/${jar}`]: { content: read(jar), layer: 'sha256:l' } });
      const out = await runCataloger(javaArchiveCataloger, tree);
      expect(out.warnings).toEqual([]);
      expect(out.packages.map(summary)).toEqual([gavOf(read(`${jar}.pom-properties.txt`).toString())]);
      const [pkg] = out.packages;
      const [group, artifact] = pkg!.name.split(':');
      expect(pkg?.purl).toBe(`pkg:maven/${group}/${artifact}@${pkg?.version}`);
      expect(pkg?.confidence).toBe('high');
      expect(pkg?.locations).toEqual([{ path: `/usr/share/java/${jar}`, layer: 'sha256:l' }]);
    });
  }

  it('falls back to the manifest when there is no pom.properties', async () => {
    const manifest = read('guice-jndi.jar.MANIFEST.MF.txt').toString();
    const bundleVersion = /^Bundle-Version: (.*)$/m.exec(manifest)![1]!.trim();
    const symbolicName = /^Bundle-SymbolicName: (.*)$/m.exec(manifest)![1]!.trim();
    const out = await runCataloger(javaArchiveCataloger, memoryFileTree({ '/app/lib/guice-jndi.jar': read('guice-jndi.jar') }));
    expect(out.packages).toHaveLength(1);
    expect(out.packages[0]).toMatchObject({
      name: `${symbolicName}:guice-jndi`,
      version: bundleVersion,
      confidence: 'medium',
      metadata: { identifiedBy: 'manifest', groupIdGuessed: true, vendor: 'Google, Inc.' },
    });
  });

  it('falls back to the file name, with low confidence, when the manifest has no version', async () => {
    const out = await runCataloger(javaArchiveCataloger, memoryFileTree({ '/opt/aopalliance-1.0.jar': read('aopalliance-1.0.jar') }));
    expect(out.packages.map((p) => [summary(p), p.confidence, p.metadata?.identifiedBy])).toEqual([
      ['aopalliance:aopalliance@1.0', 'low', 'file-name'],
    ]);
  });
});

describe('nested and shaded archives', () => {
  it('walks a war built with the jar tool, two levels deep, with contains edges', async () => {
    const out = await runCataloger(javaArchiveCataloger, memoryFileTree({ '/srv/shop-1.4.0.war': read('shop-1.4.0.war') }));
    expect(out.warnings).toEqual([]);
    const expected = [
      'com.example:shop@1.4.0',
      gavOf(read('commons-cli-1.5.0.jar.pom-properties.txt').toString()),
      'com.example:uber@2.0.0',
      'aopalliance:aopalliance@1.0',
      gavOf(read('wagon-file-3.5.3.jar.pom-properties.txt').toString()),
    ];
    expect(out.packages.map(summary).sort()).toEqual([...expected].sort());
    expect(out.packages.every((p) => p.locations[0]?.path === '/srv/shop-1.4.0.war')).toBe(true);
    const key = (name: string) => out.packages.find((p) => p.name === name)!.key;
    const edges = (out.relationships ?? []).map((r) => `${r.from} ${r.type} ${r.to}`).sort();
    expect(edges).toEqual(
      [
        `${key('com.example:shop')} contains ${key('commons-cli:commons-cli')}`,
        `${key('com.example:shop')} contains ${key('com.example:uber')}`,
        `${key('com.example:shop')} contains ${key('org.apache.maven.wagon:wagon-file')}`,
        `${key('com.example:uber')} contains ${key('aopalliance:aopalliance')}`,
      ].sort(),
    );
    const alliance = out.packages.find((p) => p.name === 'aopalliance:aopalliance');
    expect(alliance?.metadata?.archivePath).toBe('/srv/shop-1.4.0.war!/WEB-INF/lib/uber-2.0.0.jar!/lib/aopalliance-1.0.jar');
  });

  it('reports every pom.properties of a shaded jar', async () => {
    const root = path.join(dir, 'shaded-pom-properties');
    const entries = listFiles(root).map((rel) => ({ name: rel, data: readFileSync(path.join(root, rel)) }));
    const jar = writeZip([{ name: 'META-INF/MANIFEST.MF', data: Buffer.from('Manifest-Version: 1.0\r\n\r\n') }, ...entries]);
    const out = await runCataloger(javaArchiveCataloger, memoryFileTree({ '/usr/share/java/wagon-http-shaded-3.5.3.jar': jar }));
    expect(out.packages.map(summary).sort()).toEqual(entries.map((e) => gavOf(e.data.toString())).sort());
    // The archive's own artifact (by file name) contains the four bundled ones.
    const own = out.packages.find((p) => p.metadata?.artifactId === 'wagon-http');
    expect(out.relationships?.filter((r) => r.from === own?.key && r.type === 'contains')).toHaveLength(4);
  });

  it('reads a Spring Boot style jar with a launcher script in front', async () => {
    const inner = read('commons-cli-1.5.0.jar');
    const jar = writeZip([{ name: 'BOOT-INF/lib/commons-cli-1.5.0.jar', data: inner, method: 'store' }], {
      prefix: Buffer.from('#!/bin/bash\nexec java -jar "$0" "$@"\n'),
    });
    const out = await runCataloger(javaArchiveCataloger, memoryFileTree({ '/app/app.jar': jar }));
    expect(out.packages.map(summary)).toEqual([gavOf(read('commons-cli-1.5.0.jar.pom-properties.txt').toString())]);
  });
});

describe('hostile archives', () => {
  it('stops at four levels of nesting with a warning', async () => {
    let data = writeZip([{ name: 'META-INF/maven/g/leaf/pom.properties', data: Buffer.from('groupId=g\nartifactId=leaf\nversion=1\n') }]);
    for (let i = 5; i >= 1; i--) data = writeZip([{ name: `lib/level${i}-1.0.jar`, data }]);
    const out = await runCataloger(javaArchiveCataloger, memoryFileTree({ '/app/top-1.0.jar': data }));
    expect(out.packages.map(summary)).toEqual([
      'top:top@1.0',
      'level1:level1@1.0',
      'level2:level2@1.0',
      'level3:level3@1.0',
      'level4:level4@1.0',
    ]);
    expect(out.warnings.some((w) => /deeper than 4/.test(w.message))).toBe(true);
  });

  it('warns about a zip bomb entry and keeps the rest', async () => {
    const bomb = writeZip([{ name: 'lib/bomb-1.0.jar', data: Buffer.alloc(4 * 1024 * 1024) }]);
    const jar = writeZip([
      { name: 'lib/bomb-1.0.jar', data: bomb },
      { name: 'META-INF/maven/g/a/pom.properties', data: Buffer.from('groupId=g\nartifactId=a\nversion=1.0\n') },
    ]);
    const out = await runCataloger(javaArchiveCataloger, memoryFileTree({ '/app/a-1.0.jar': jar }));
    // The outer bomb jar is named by its file; the 4 MB of zeros inside it is never inflated.
    expect(out.packages.map(summary).sort()).toEqual(['bomb:bomb@1.0', 'g:a@1.0']);
    expect(out.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/lib\/bomb-1.0.jar!\/lib\/bomb-1.0.jar: .*zip bomb/)]);
  });

  it('warns about a corrupt archive and goes on with the next file', async () => {
    const out = await runCataloger(
      javaArchiveCataloger,
      memoryFileTree({ '/app/broken-1.0.jar': Buffer.from('PK\x03\x04garbage'), '/app/commons-cli-1.5.0.jar': read('commons-cli-1.5.0.jar') }),
    );
    expect(out.warnings.map((w) => w.path)).toEqual(['/app/broken-1.0.jar']);
    expect(out.packages).toHaveLength(1);
  });

  it('warns about a pom.properties without a version', async () => {
    const jar = writeZip([{ name: 'META-INF/maven/g/a/pom.properties', data: Buffer.from('groupId=g\nartifactId=a\n') }]);
    const out = await runCataloger(javaArchiveCataloger, memoryFileTree({ '/app/x.jar': jar }));
    expect(out.packages).toEqual([]);
    expect(out.warnings[0]?.message).toMatch(/lacks/);
  });
});

describe('selection', () => {
  it('keeps every Java archive type, whatever the case, and nothing else', () => {
    for (const p of ['/a/x.jar', '/a/X.JAR', '/a/x.war', '/a/x.ear', '/a/x.par', '/a/x.sar', '/var/jenkins_home/plugins/git.jpi', '/a/x.hpi']) {
      expect(javaArchiveCataloger.selects(p), p).toBe(true);
    }
    for (const p of ['/a/x.zip', '/a/x.jar.sha1', '/a/jar']) expect(javaArchiveCataloger.selects(p), p).toBe(false);
  });
});

describe('format helpers', () => {
  it('parses Java properties with separators, continuations and escapes', () => {
    const p = parseJavaProperties('# c\n! c\na = 1\nb:2\nc 3\nlong=one \\\n    two\nu=caf\\u00e9\n');
    expect(Object.fromEntries(p)).toEqual({ a: '1', b: '2', c: '3', long: 'one two', u: 'café' });
  });

  it('reads the manifest main section with continuation lines', () => {
    const m = parseManifestMainSection(read('guice-jndi.jar.MANIFEST.MF.txt').toString());
    expect(m.get('bundle-description')).toBe('Guice is a lightweight dependency injection framework for Java 6 and above');
  });

  it.each([
    ['log4j-core-2.14.1.jar', 'log4j-core', '2.14.1'],
    ['guava-31.1-jre.jar', 'guava', '31.1-jre'],
    ['app.jar', 'app', undefined],
  ])('splits %s', (name, artifact, version) => {
    expect(splitArchiveFileName(`/x/${name}`)).toEqual(version ? { artifact, version } : { artifact });
  });
});

function listFiles(root: string, rel = ''): string[] {
  return readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(root, path.posix.join(rel, d.name)) : [path.posix.join(rel, d.name)],
  );
}

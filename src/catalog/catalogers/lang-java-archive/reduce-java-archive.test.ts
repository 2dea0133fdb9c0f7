import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeZip } from '../../zip/zip-writer.js';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { javaArchiveCataloger } from './java-archive-cataloger.js';

const dir = fileURLToPath(new URL('testdata/', import.meta.url));
const read = (name: string) => readFileSync(path.join(dir, name));
const reduce = (file: string, content: Buffer): Buffer => javaArchiveCataloger.reduce!(file, content);

const pom = (g: string, a: string, v: string) => ({ name: `META-INF/maven/${g}/${a}/pom.properties`, data: Buffer.from(`groupId=${g}\nartifactId=${a}\nversion=${v}\n`) });
let nested = writeZip([pom('g', 'leaf', '1')]);
for (let i = 5; i >= 1; i--) nested = writeZip([{ name: `lib/level${i}-1.0.jar`, data: nested }]);

/** Every kind of archive the cataloger's own tests use, real Debian jars first. */
const SCENARIOS: Record<string, Buffer> = {
  '/usr/share/java/commons-cli-1.5.0.jar': read('commons-cli-1.5.0.jar'),
  '/usr/share/java/wagon-file-3.5.3.jar': read('wagon-file-3.5.3.jar'),
  '/app/lib/guice-jndi.jar': read('guice-jndi.jar'),
  '/opt/aopalliance-1.0.jar': read('aopalliance-1.0.jar'),
  '/srv/shop-1.4.0.war': read('shop-1.4.0.war'),
  '/app/shaded-1.0.jar': writeZip([{ name: 'META-INF/MANIFEST.MF', data: Buffer.from('Manifest-Version: 1.0\r\n\r\n') }, pom('a', 'b', '1'), pom('c', 'd', '2')]),
  '/app/boot.jar': writeZip([{ name: 'BOOT-INF/lib/commons-cli-1.5.0.jar', data: read('commons-cli-1.5.0.jar'), method: 'store' }], { prefix: Buffer.from('#!/bin/sh\n') }),
  '/app/top-1.0.jar': nested,
  '/app/a-1.0.jar': writeZip([{ name: 'lib/bomb-1.0.jar', data: writeZip([{ name: 'lib/bomb-1.0.jar', data: Buffer.alloc(4 * 1024 * 1024) }]) }, pom('g', 'a', '1.0')]),
  '/app/broken-1.0.jar': Buffer.from('PK\x03\x04garbage'),
  '/app/x.jar': writeZip([{ name: 'META-INF/maven/g/a/pom.properties', data: Buffer.from('groupId=g\nartifactId=a\n') }]),
  '/app/huge-pom-1.0.jar': writeZip([{ name: 'META-INF/maven/g/a/pom.properties', data: Buffer.alloc(100 * 1024, 'x') }]),
};

describe('reduceJavaArchive', () => {
  it.each(Object.keys(SCENARIOS))('catalogs %s exactly as the original', async (file) => {
    const original = SCENARIOS[file]!;
    const before = await runCataloger(javaArchiveCataloger, memoryFileTree({ [file]: original }));
    const after = await runCataloger(javaArchiveCataloger, memoryFileTree({ [file]: reduce(file, original) }));
    expect(after).toEqual(before);
  });

  it('keeps a few KiB of a real jar and of a war with nested jars', () => {
    for (const file of ['/usr/share/java/commons-cli-1.5.0.jar', '/srv/shop-1.4.0.war']) {
      const original = SCENARIOS[file]!;
      const reduced = reduce(file, original);
      expect(reduced.length).toBeLessThan(original.length / 4);
    }
  });

  it('returns damaged and over-limit archives untouched', () => {
    for (const file of ['/app/broken-1.0.jar', '/app/huge-pom-1.0.jar', '/app/a-1.0.jar']) {
      expect(reduce(file, SCENARIOS[file]!)).toBe(SCENARIOS[file]);
    }
  });
});

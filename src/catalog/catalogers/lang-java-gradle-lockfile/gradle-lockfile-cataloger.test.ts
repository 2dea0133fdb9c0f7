import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { gradleLockfileCataloger } from './gradle-lockfile-cataloger.js';

const read = (name: string) => readFileSync(fileURLToPath(new URL(`testdata/${name}`, import.meta.url)), 'utf8');

describe('gradleLockfileCataloger', () => {
  // testdata/service/gradle.lockfile follows the layout Gradle writes (header comments, sorted
  // coordinates, `=configurations`, a trailing `empty=` line).
  it('reads locked coordinates and scopes them by configuration', async () => {
    const out = await runCataloger(gradleLockfileCataloger, memoryFileTree({ '/src/service/gradle.lockfile': read('service/gradle.lockfile') }));
    expect(out.warnings).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.scope])).toEqual([
      ['com.fasterxml.jackson.core:jackson-databind', '2.15.2', 'prod'],
      ['com.puppycrawl.tools:checkstyle', '10.12.0', 'dev'],
      ['org.apache.logging.log4j:log4j-core', '2.14.1', 'prod'],
      ['org.junit.jupiter:junit-jupiter-api', '5.10.0', 'dev'],
      ['org.slf4j:slf4j-api', '2.0.7', 'prod'],
    ]);
    expect(out.packages[2]?.purl).toBe('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1');
  });

  it('reads the per-configuration lockfiles of Gradle 4.8–5', async () => {
    const tree = memoryFileTree({
      '/src/gradle/dependency-locks/testRuntimeClasspath.lockfile': '# comment\njunit:junit:4.13.2\n',
      '/src/gradle/dependency-locks/runtimeClasspath.lockfile': 'com.google.guava:guava:31.1-jre\n',
    });
    const out = await runCataloger(gradleLockfileCataloger, tree);
    expect(out.packages.map((p) => [p.name, p.scope])).toEqual([
      ['com.google.guava:guava', 'prod'],
      ['junit:junit', 'dev'],
    ]);
  });

  it('warns about a malformed line', async () => {
    const out = await runCataloger(gradleLockfileCataloger, memoryFileTree({ '/a/gradle.lockfile': 'not-a-coordinate=x\n' }));
    expect(out.packages).toEqual([]);
    expect(out.warnings[0]?.message).toMatch(/group:artifact:version/);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../domain/errors.js';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { parseXml } from './parse-xml.js';
import { pomCataloger } from './pom-cataloger.js';

const read = (name: string) => readFileSync(fileURLToPath(new URL(`testdata/${name}`, import.meta.url)), 'utf8');

describe('pomCataloger', () => {
  // testdata/app/pom.xml: expected values follow Maven's rules for that file — ${codec.version} from
  // <properties>, a nested ${junit.line}.2, the commons-collections version from <dependencyManagement>.
  it('reports declared dependencies with properties and managed versions applied', async () => {
    const out = await runCataloger(pomCataloger, memoryFileTree({ '/src/app/pom.xml': { content: read('app/pom.xml'), layer: 'sha256:x' } }));
    expect(out.warnings).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.scope])).toEqual([
      ['commons-codec:commons-codec', '1.17.1', 'prod'],
      ['commons-collections:commons-collections', '3.2.2', 'prod'],
      ['commons-cli:commons-cli', '1.9.0', 'optional'],
      ['junit:junit', '4.13.2', 'dev'],
    ]);
    expect(out.packages[0]?.purl).toBe('pkg:maven/commons-codec/commons-codec@1.17.1');
    expect(out.packages[0]?.locations).toEqual([{ path: '/src/app/pom.xml', layer: 'sha256:x' }]);
    expect(out.packages[3]?.metadata).toMatchObject({ mavenScope: 'test' });
  });

  it('leaves out unresolved and ranged versions with one warning', async () => {
    const pom = `<project><dependencies>
      <dependency><groupId>a</groupId><artifactId>b</artifactId><version>\${nowhere}</version></dependency>
      <dependency><groupId>a</groupId><artifactId>c</artifactId><version>[1.0,2.0)</version></dependency>
      <dependency><groupId>a</groupId><artifactId>d</artifactId><version>1.0</version><classifier>tests</classifier><type>test-jar</type></dependency>
    </dependencies></project>`;
    const out = await runCataloger(pomCataloger, memoryFileTree({ '/p/pom.xml': pom }));
    expect(out.packages.map((p) => p.purl)).toEqual(['pkg:maven/a/d@1.0?classifier=tests&type=test-jar']);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]?.message).toMatch(/2 dependencies left out/);
  });

  it('refuses a DOCTYPE instead of expanding entities (billion laughs)', async () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<project><dependencies><dependency><groupId>&lol2;</groupId><artifactId>x</artifactId><version>1</version></dependency></dependencies></project>`;
    const out = await runCataloger(pomCataloger, memoryFileTree({ '/p/pom.xml': laughs }));
    expect(out.packages).toEqual([]);
    expect(out.warnings[0]?.message).toMatch(/DOCTYPE/);
  });

  it('refuses undeclared entities and mismatched tags', () => {
    expect(() => parseXml('<project>&xxe;</project>')).toThrow(/unknown entity/);
    expect(() => parseXml('<project><a></b></project>')).toThrow(/does not match/);
    expect(() => parseXml('<project>')).toThrow(/not closed/);
  });

  it('decodes predefined entities, character references and CDATA', () => {
    const root = parseXml('<r><a>x &amp; y &#65;&#x42;</a><b><![CDATA[<raw>]]></b></r>');
    expect(root.children.map((c) => c.text)).toEqual(['x & y AB', '<raw>']);
  });

  it('skips poms in a local Maven repository', () => {
    expect(pomCataloger.selects('/root/.m2/repository/junit/junit/4.13.2/pom.xml')).toBe(false);
    expect(pomCataloger.selects('/src/app/pom.xml')).toBe(true);
  });

  it('only throws BadInputError on arbitrary text (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: fc.constantFrom('<', '>', '/', '!', '?', '&', ';', '#', 'a', 'b', ' ', '"', '[', ']', '-', 'x', '1') }), (s) => {
        try {
          parseXml(s);
        } catch (error) {
          if (!(error instanceof BadInputError)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('stops deep nesting', () => {
    expect(() => parseXml('<a>'.repeat(200) + '</a>'.repeat(200))).toThrow(/deeper/);
  });
});

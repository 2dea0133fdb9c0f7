import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeElf } from '../../elf/elf-writer.js';
import { readelfSections } from '../../elf/readelf-sections.js';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { rustAuditableCataloger } from './rust-auditable-cataloger.js';

const read = (name: string) => readFileSync(fileURLToPath(new URL(`testdata/${name}`, import.meta.url)));

interface DepJson {
  packages: { name: string; version: string; source: string; kind?: string; dependencies?: number[]; root?: boolean }[];
}

const withDepSection = (payload: Buffer) =>
  writeElf(
    [
      { name: '.text', data: Buffer.from('code'), addr: 0x1000n, executable: true },
      { name: '.dep-v0', data: payload },
    ],
    { bits: 64, littleEndian: true },
  );

describe('rustAuditableCataloger', () => {
  it('reports every crate of the objcopy-built fixture with its dependency edges', async () => {
    const want = JSON.parse(read('dep-v0.json').toString()) as DepJson;
    const section = readelfSections(read('hello-audit.readelf-S.txt').toString()).find((s) => s.name === '.dep-v0');
    expect(section?.size).toBe(read('dep-v0.zlib').length);

    const out = await runCataloger(rustAuditableCataloger, memoryFileTree({ '/usr/local/bin/hello-audit': { content: read('hello-audit'), layer: 'sha256:r' } }));
    expect(out.warnings).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.purl])).toEqual(
      want.packages.map((p) => [p.name, p.version, `pkg:cargo/${p.name}@${p.version}`]),
    );
    expect(out.packages.map((p) => p.scope)).toEqual(want.packages.map((p) => (p.kind === 'build' ? 'dev' : 'prod')));
    expect(out.packages.find((p) => p.metadata?.root)?.name).toBe(want.packages.find((p) => p.root)?.name);
    const byKey = new Map(out.packages.map((p) => [p.key, p.name]));
    const edges = (out.relationships ?? []).map((r) => `${byKey.get(r.from)}->${byKey.get(r.to)}`).sort();
    const wantEdges = want.packages.flatMap((p) => (p.dependencies ?? []).map((d) => `${p.name}->${want.packages[d]!.name}`)).sort();
    expect(edges).toEqual(wantEdges);
    expect(out.packages[0]?.locations).toEqual([{ path: '/usr/local/bin/hello-audit', layer: 'sha256:r' }]);
  });

  it('ignores ELF files without the section', async () => {
    const out = await runCataloger(rustAuditableCataloger, memoryFileTree({ '/usr/bin/plain': writeElf([{ name: '.text', data: Buffer.from('x'), addr: 0x1000n }], { bits: 32, littleEndian: false }) }));
    expect(out).toMatchObject({ packages: [], warnings: [] });
  });

  it.each([
    ['corrupt zlib', Buffer.from('not zlib at all'), /zlib/],
    ['a zlib bomb', deflateSync(Buffer.alloc(32 * 1024 * 1024, 0x20)), /inflates past/],
    ['JSON that is not the schema', deflateSync(Buffer.from('{"packages":[{"name":"x"}]}')), /unexpected shape/],
    ['a dependency index out of range', deflateSync(Buffer.from('{"packages":[{"name":"x","version":"1","source":"local","dependencies":[7]}]}')), /invalid dependency index/],
  ])('warns about %s', async (_what, payload, message) => {
    const out = await runCataloger(rustAuditableCataloger, memoryFileTree({ '/app/bin': withDepSection(payload) }));
    expect(out.packages).toEqual([]);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]?.message).toMatch(message);
  });

  it('warns when the section lies past the end of the file', async () => {
    const data = read('hello-audit');
    const out = await runCataloger(rustAuditableCataloger, memoryFileTree({ '/app/bin': data.subarray(0, 0x3037 + 10) }));
    expect(out.packages).toEqual([]);
    expect(out.warnings).toHaveLength(1);
  });
});

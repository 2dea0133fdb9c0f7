import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../domain/errors.js';
import { findSection, parseElf } from '../../elf/elf-file.js';
import { writeElf } from '../../elf/elf-writer.js';
import { readelfSections } from '../../elf/readelf-sections.js';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { readGoBuildInfo } from './build-info.js';
import { goBinaryCataloger } from './go-binary-cataloger.js';
import { goStdlibVersion } from './go-stdlib-version.js';
import { parseModInfo } from './mod-info.js';

const testdata = (name: string) => readFileSync(fileURLToPath(new URL(`testdata/${name}`, import.meta.url)));
const binary = (arch: string) => gunzipSync(testdata(`hello-${arch}.gz`));

/**
 * Expected packages from `go version -m` output (the .go-version-m.txt files):
 * a module-to-module replacement reports the replacement, a directory
 * replacement keeps the original path at (devel).
 */
function expectedFromGoVersionM(text: string) {
  const lines = text.trimEnd().split('\n');
  const goVersion = lines[0]!.split(': ')[1]!;
  const fields = lines.slice(1).map((l) => l.replace(/^\t/, '').split('\t'));
  const deps: { name: string; version: string }[] = [];
  let main: { name: string; version: string } | undefined;
  const build: Record<string, string> = {};
  for (const [i, f] of fields.entries()) {
    if (f[0] === 'mod') main = { name: f[1]!, version: f[2]! };
    if (f[0] === 'build') {
      const [k, ...v] = f[1]!.split('=');
      build[k!] = v.join('=');
    }
    if (f[0] !== 'dep') continue;
    const next = fields[i + 1];
    if (next?.[0] === '=>' && next[1]!.startsWith('.')) deps.push({ name: f[1]!, version: '(devel)' });
    else if (next?.[0] === '=>') deps.push({ name: next[1]!, version: next[2]! });
    else deps.push({ name: f[1]!, version: f[2]! });
  }
  return { goVersion, main, deps, build };
}

describe('goBinaryCataloger on real Go 1.19 binaries', () => {
  for (const arch of ['amd64', '386', 'mips', 's390x']) {
    it(`reports what go version -m reports for GOARCH=${arch}`, async () => {
      const expected = expectedFromGoVersionM(testdata(`hello-${arch}.go-version-m.txt`).toString());
      const tree = memoryFileTree({ '/usr/local/bin/hello': { content: binary(arch), layer: 'sha256:l1' } });
      const out = await runCataloger(goBinaryCataloger, tree);
      expect(out.warnings).toEqual([]);
      const byName = new Map(out.packages.map((p) => [p.name, p]));

      const stdlib = byName.get('stdlib')!;
      expect(stdlib.version).toBe(expected.goVersion.replace(/^go/, 'v'));
      expect(stdlib.purl).toBe(`pkg:golang/stdlib@${expected.goVersion.replace(/^go/, 'v')}`);

      const main = byName.get(expected.main!.name)!;
      expect(main.version).toBe(expected.main!.version);
      expect(main.metadata).toMatchObject({ mainModule: true, develVersion: true, 'build:GOARCH': expected.build.GOARCH });

      const deps = out.packages.filter((p) => p !== main && p !== stdlib).map((p) => ({ name: p.name, version: p.version }));
      expect(deps).toEqual(expected.deps);
      expect(out.packages.every((p) => p.locations[0]?.path === '/usr/local/bin/hello' && p.locations[0]?.layer === 'sha256:l1')).toBe(true);
      expect(out.relationships?.filter((r) => r.from === main.key)).toHaveLength(expected.deps.length + 1);
    });

    it(`reads the section table readelf reports for GOARCH=${arch}`, () => {
      const elf = parseElf(binary(arch));
      const expected = readelfSections(testdata(`hello-${arch}.readelf-S.txt`).toString());
      expect(elf.sections.map((s) => ({ name: s.name, address: s.addr, offset: s.offset, size: s.size }))).toEqual(expected);
    });
  }

  it('records the replaced module and the replacement checksum', async () => {
    const tree = memoryFileTree({ '/app/hello': binary('amd64') });
    const out = await runCataloger(goBinaryCataloger, tree);
    const color = out.packages.find((p) => p.name === 'example.com/colorfork');
    expect(color?.purl).toBe('pkg:golang/example.com/colorfork@v0.3.0');
    expect(color?.metadata).toMatchObject({
      replacedPath: 'example.com/color',
      replacedVersion: 'v0.1.0',
      h1Digest: 'h1:4LIhD/6i5O2ZMOFbyKflM5YYa4Gtwqk+FI2LXmazo78=',
    });
    const local = out.packages.find((p) => p.name === 'example.com/local');
    expect(local?.metadata).toMatchObject({ replacedBy: './local' });
  });

  it('keeps the version of a main module installed at a version', async () => {
    const expected = expectedFromGoVersionM(testdata('tool-amd64.go-version-m.txt').toString());
    const out = await runCataloger(goBinaryCataloger, memoryFileTree({ '/root/go/bin/tool': gunzipSync(testdata('tool-amd64.gz')) }));
    const main = out.packages.find((p) => p.metadata?.mainModule);
    expect(`${main?.name}@${main?.version}`).toBe(`${expected.main?.name}@${expected.main?.version}`);
    expect(main?.metadata?.develVersion).toBeUndefined();
    expect(main?.purl).toBe(`pkg:golang/example.com/tool@${expected.main?.version}`);
    expect(out.packages.filter((p) => p !== main && p.name !== 'stdlib').map((p) => `${p.name}@${p.version}`)).toEqual(
      expected.deps.map((d) => `${d.name}@${d.version}`),
    );
  });

  it('reports only the standard library for a binary built outside a module', async () => {
    const expected = expectedFromGoVersionM(testdata('nomod-amd64.go-version-m.txt').toString());
    expect(expected.main).toBeUndefined();
    const out = await runCataloger(goBinaryCataloger, memoryFileTree({ '/usr/bin/nomod': gunzipSync(testdata('nomod-amd64.gz')) }));
    expect(out.packages.map((p) => `${p.name}@${p.version}`)).toEqual([`stdlib@${expected.goVersion.replace(/^go/, 'v')}`]);
    expect(out.relationships).toEqual([]);
  });

  it('finds the build info by scanning the data segment when section headers are gone', () => {
    const data = binary('amd64');
    data.writeBigUInt64LE(0n, 40); // e_shoff
    data.writeUInt16LE(0, 60); // e_shnum
    const elf = parseElf(data);
    expect(elf.sections).toEqual([]);
    expect(readGoBuildInfo(data, elf)?.goVersion).toBe('go1.19.8');
  });

  it('warns about a truncated binary and still catalogs the others', async () => {
    const whole = binary('386');
    const tree = memoryFileTree({
      '/usr/bin/broken': whole.subarray(0, 50_000),
      '/usr/bin/hello': whole,
      '/usr/bin/script': '#!/bin/sh\necho not elf\n',
      '/usr/bin/link': { type: 'symlink', linkTarget: 'hello' },
    });
    const out = await runCataloger(goBinaryCataloger, tree);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]?.path).toBe('/usr/bin/broken');
    expect(new Set(out.packages.map((p) => p.locations[0]?.path))).toEqual(new Set(['/usr/bin/hello']));
  });

  it('sniffs executables in bin directories, not elsewhere, and keeps only Go ELF files', () => {
    expect(goBinaryCataloger.sniff?.selects('/go/bin/tool')).toBe(true);
    expect(goBinaryCataloger.sniff?.selects('/usr/share/doc/readme')).toBe(false);
    for (const arch of ['amd64', '386', 'mips', 's390x']) {
      expect(goBinaryCataloger.sniff?.keep(binary(arch).subarray(0, 16 * 1024), '/usr/bin/x'), arch).toBe(true);
    }
    // A C program from this machine's coreutils is ELF but not Go.
    expect(goBinaryCataloger.sniff?.keep(readFileSync('/bin/ls').subarray(0, 16 * 1024), '/bin/ls')).toBe(false);
    expect(goBinaryCataloger.sniff?.keep(Buffer.from('#!/bin/sh\n'), '/usr/bin/script')).toBe(false);
  });
});

describe('pre-1.18 build info (pointer format)', () => {
  // Go's linker sentinels around modinfo (cmd/go/internal/modload: infoStart, infoEnd).
  const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
  const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
  const MODINFO = 'path\texample.com/old\nmod\texample.com/old\tv1.0.0\th1:abc=\ndep\tgolang.org/x/text\tv0.3.0\th1:def=\n';

  const build = (bits: 32 | 64, littleEndian: boolean, withSection: boolean) => {
    const ptr = bits / 8;
    const base = 0x10000n;
    const strings = Buffer.concat([Buffer.from('go1.16.15'), START, Buffer.from(MODINFO), END]);
    // Layout of .data: header (32) | version string header | modinfo string header | string bytes.
    const data = Buffer.alloc(32 + 4 * ptr + strings.length);
    Buffer.from('\xff Go buildinf:', 'latin1').copy(data, 0);
    data[14] = ptr;
    data[15] = littleEndian ? 0 : 1;
    const put = (at: number, v: bigint) => {
      if (ptr === 8 && littleEndian) data.writeBigUInt64LE(v, at);
      else if (ptr === 8) data.writeBigUInt64BE(v, at);
      else if (littleEndian) data.writeUInt32LE(Number(v), at);
      else data.writeUInt32BE(Number(v), at);
    };
    const versHdr = 32;
    const modHdr = 32 + 2 * ptr;
    const strAt = 32 + 4 * ptr;
    put(16, base + BigInt(versHdr));
    put(16 + ptr, base + BigInt(modHdr));
    put(versHdr, base + BigInt(strAt));
    put(versHdr + ptr, 9n);
    put(modHdr, base + BigInt(strAt + 9));
    put(modHdr + ptr, BigInt(strings.length - 9));
    strings.copy(data, strAt);
    return writeElf(
      [
        { name: '.text', data: Buffer.from('code'), addr: 0x1000n, executable: true },
        { name: withSection ? '.go.buildinfo' : '.data', data, addr: base, writable: true },
      ],
      { bits, littleEndian, machine: bits === 64 ? 62 : 8 },
    );
  };

  for (const [bits, le, section] of [
    [64, true, true],
    [32, false, true],
    [64, false, false],
    [32, true, false],
  ] as const) {
    it(`decodes ${bits}-bit ${le ? 'little' : 'big'}-endian build info ${section ? 'in .go.buildinfo' : 'in the data segment'}`, async () => {
      const tree = memoryFileTree({ '/usr/bin/old': build(bits, le, section) });
      const out = await runCataloger(goBinaryCataloger, tree);
      expect(out.warnings).toEqual([]);
      expect(out.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
        'stdlib@v1.16.15',
        'example.com/old@v1.0.0',
        'golang.org/x/text@v0.3.0',
      ]);
    });
  }

  it('warns when a string pointer leads outside the binary', async () => {
    const data = build(64, true, true);
    const at = data.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'));
    data.writeBigUInt64LE(0xdead0000n, at + 16);
    const out = await runCataloger(goBinaryCataloger, memoryFileTree({ '/usr/bin/old': data }));
    expect(out.packages).toEqual([]);
    expect(out.warnings[0]?.message).toMatch(/outside the binary/);
  });
});

describe('parseModInfo', () => {
  it('reads quoted build settings', () => {
    const info = parseModInfo('path\tx\nbuild\t-ldflags="-s -w -X main.v=1"\nbuild\t"weird=key"=v\n');
    expect(info.settings).toEqual([
      ['-ldflags', '-s -w -X main.v=1'],
      ['weird=key', 'v'],
    ]);
  });

  it('rejects a replacement with nothing to replace and unknown line kinds', () => {
    expect(() => parseModInfo('=>\tx\tv1\n')).toThrow(/replacement/);
    expect(() => parseModInfo('bogus\tx\n')).toThrow(/unknown/);
  });
});

describe('goStdlibVersion', () => {
  // The examples documented on pkgsite's stdlib.VersionForTag.
  it.each([
    ['go1', 'v1.0.0'],
    ['go1.2', 'v1.2.0'],
    ['go1.13beta1', 'v1.13.0-beta.1'],
    ['go1.9rc2', 'v1.9.0-rc.2'],
    ['go1.22.3', 'v1.22.3'],
    ['go1.20.1 X:boringcrypto', 'v1.20.1'],
  ])('%s → %s', (tag, semver) => {
    expect(goStdlibVersion(tag)).toBe(semver);
  });

  it('gives up on devel toolchains', () => {
    expect(goStdlibVersion('devel go1.23-abc123 Mon Jan 1')).toBeUndefined();
  });
});

describe('fuzzing the build info decoder', () => {
  it('only throws BadInputError when the build info bytes are damaged', () => {
    const seeds = ['amd64', 's390x'].map((arch) => {
      const data = binary(arch);
      const section = findSection(parseElf(data), '.go.buildinfo')!;
      return { data, at: section.offset, size: section.size };
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (seed, flips) => {
          const data = Buffer.from(seed.data);
          for (const [i, v] of flips) data[seed.at + (i % seed.size)] = v;
          try {
            const info = readGoBuildInfo(data, parseElf(data));
            if (info) parseModInfo(info.modInfo);
          } catch (error) {
            if (!(error instanceof BadInputError)) throw error;
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInputError, ImageFormatError } from '../../domain/errors.js';
import { findSection, parseElf, PT_LOAD, readVirtual, sectionData } from './elf-file.js';
import { writeElf } from './elf-writer.js';
import { isExecutableCandidatePath } from './executable-paths.js';
import { readelfSections } from './readelf-sections.js';

const read = (name: string) => readFileSync(fileURLToPath(new URL(`testdata/${name}`, import.meta.url)));

describe('parseElf on a gcc-built executable', () => {
  // tiny-amd64 is `gcc -Os -s tiny.c`; the .txt files are readelf -S -W and readelf -l -W output.
  const data = read('tiny-amd64');
  const elf = parseElf(data);

  it('lists the sections readelf lists', () => {
    const expected = readelfSections(read('tiny-amd64.readelf-S.txt').toString());
    expect(expected.length).toBeGreaterThan(10);
    expect(elf.sections.map((s) => ({ name: s.name, address: s.addr, offset: s.offset, size: s.size }))).toEqual(expected);
  });

  it('lists the LOAD segments readelf lists', () => {
    const expected = read('tiny-amd64.readelf-l-load.txt')
      .toString()
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    const loads = elf.segments.filter((s) => s.type === PT_LOAD);
    expect(loads.map((s) => [s.offset, s.vaddr, s.fileSize, s.memSize])).toEqual(
      expected.map((f) => [parseInt(f[1]!, 16), BigInt(f[2]!), parseInt(f[4]!, 16), parseInt(f[5]!, 16)]),
    );
    expect(elf.bits).toBe(64);
    expect(elf.littleEndian).toBe(true);
    expect(elf.machine).toBe(62);
  });

  it('reads .interp through its section and its virtual address alike', () => {
    const interp = findSection(elf, '.interp')!;
    const viaSection = sectionData(data, interp, 1024);
    expect(viaSection.toString('latin1')).toMatch(/^\/lib64\/ld-linux-x86-64\.so\.2\0$/);
    expect(readVirtual(data, elf, interp.addr, interp.size)?.equals(viaSection)).toBe(true);
  });
});

describe('parseElf on hostile input', () => {
  const sample = (bits: 32 | 64, littleEndian: boolean) =>
    writeElf(
      [
        { name: '.text', data: Buffer.from('code'), addr: 0x1000n, executable: true },
        { name: '.data', data: Buffer.from('hello data'), addr: 0x2000n, writable: true },
      ],
      { bits, littleEndian },
    );

  for (const [bits, le] of [
    [32, true],
    [32, false],
    [64, true],
    [64, false],
  ] as const) {
    it(`round-trips a ${bits}-bit ${le ? 'little' : 'big'}-endian image`, () => {
      const data = sample(bits, le);
      const elf = parseElf(data);
      expect(elf.sections.map((s) => s.name)).toEqual(['', '.text', '.data', '.shstrtab']);
      expect(readVirtual(data, elf, 0x2006n, 4)?.toString()).toBe('data');
      expect(readVirtual(data, elf, 0x2008n, 40)).toBeUndefined();
    });
  }

  it('rejects a truncated header', () => {
    expect(() => parseElf(sample(64, true).subarray(0, 40))).toThrow(ImageFormatError);
  });

  it('rejects a section table past the end of the file', () => {
    const data = sample(64, true);
    expect(() => parseElf(data.subarray(0, data.length - 10))).toThrow(ImageFormatError);
  });

  it('refuses a section larger than the caller allows and one outside the file', () => {
    const data = sample(64, true);
    const elf = parseElf(data);
    const text = findSection(elf, '.text')!;
    expect(() => sectionData(data, { ...text, size: 2 ** 40 }, 1 << 20)).toThrow(ImageFormatError);
    expect(() => sectionData(data, { ...text, offset: data.length - 2 }, 1 << 20)).toThrow(ImageFormatError);
  });

  it('rejects non-ELF input', () => {
    expect(() => parseElf(Buffer.from('#!/bin/sh\necho hi\n'))).toThrow(ImageFormatError);
  });

  it('only ever throws BadInputError on mutated images (fuzz)', () => {
    const seeds = [sample(32, true), sample(32, false), sample(64, true), sample(64, false), read('tiny-amd64')];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat({ max: 512 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }),
        fc.option(fc.nat(), { nil: undefined }),
        (seed, flips, cut) => {
          const data = Buffer.from(seed);
          // Most damage lands in the header and tables, where the parser trusts nothing.
          for (const [at, value] of flips) data[at % data.length] = value;
          const input = cut === undefined ? data : data.subarray(0, cut % (data.length + 1));
          try {
            const elf = parseElf(input);
            for (const s of elf.sections) {
              try {
                sectionData(input, s, 1 << 20);
              } catch (error) {
                if (!(error instanceof BadInputError)) throw error;
              }
            }
            for (const seg of elf.segments) readVirtual(input, elf, seg.vaddr, 16);
          } catch (error) {
            if (!(error instanceof BadInputError)) throw error;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('isExecutableCandidatePath', () => {
  it('keeps files in bin directories and application trees', () => {
    for (const p of ['/usr/local/bin/kubectl', '/bin/busybox', '/app/server', '/opt/tool/bin/tool', '/usr/lib/go-1.19/bin/go', '/usr/local/go/pkg/tool/linux_amd64/vet']) {
      expect(isExecutableCandidatePath(p), p).toBe(true);
    }
  });

  it('skips sources, packages and nested bin directories', () => {
    for (const p of ['/usr/bin/sub/dir/x', '/app/node_modules/x/bin/cli', '/app/index.js', '/opt/lib/readme.md', '/etc/passwd', '/usr/share/doc/x']) {
      expect(isExecutableCandidatePath(p), p).toBe(false);
    }
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInputError, ImageFormatError, LimitExceededError } from '../../domain/errors.js';
import { createZipBudget, DEFAULT_ZIP_LIMITS, openZip } from './zip-archive.js';
import { walkNestedZips } from './walk-nested-zips.js';
import { writeZip } from './zip-writer.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));
const read = (name: string) => readFileSync(testdata(name));

describe('openZip on archives written by Info-ZIP', () => {
  // info-zip.listing is `unzip -Z1 info-zip.zip`; the sources are committed beside it.
  const listing = read('info-zip.listing').toString('utf8').trim().split('\n');

  for (const file of ['info-zip.zip', 'info-zip-zip64.zip', 'launcher-prefixed.zip']) {
    it(`lists and inflates ${file}`, () => {
      const zip = openZip(read(file));
      expect(zip.entries.map((e) => e.name)).toEqual(listing);
      for (const entry of zip.entries) {
        expect(zip.read(entry).equals(read(`src/${entry.name}`))).toBe(true);
      }
    });
  }

  it('stores words.txt deflated, as unzip -v reports', () => {
    const zip = openZip(read('info-zip.zip'));
    const words = zip.entries.find((e) => e.name === 'words.txt');
    expect(words?.method).toBe(8);
    expect(words?.compressedSize).toBeLessThan(words?.size ?? 0);
  });
});

describe('openZip on forged archives', () => {
  it('reads zip64 end records and extra fields', () => {
    const data = writeZip(
      [
        { name: 'a.txt', data: Buffer.from('first') },
        { name: 'dir/b.txt', data: Buffer.from('second'), method: 'store' },
      ],
      { zip64: true },
    );
    const zip = openZip(data);
    expect(zip.entries.map((e) => [e.name, zip.read(e).toString()])).toEqual([
      ['a.txt', 'first'],
      ['dir/b.txt', 'second'],
    ]);
  });

  it('stops a high-ratio entry before inflating it', () => {
    const data = writeZip([{ name: 'bomb', data: Buffer.alloc(8 * 1024 * 1024) }]);
    const zip = openZip(data);
    expect(() => zip.read(zip.entries[0]!)).toThrow(LimitExceededError);
  });

  it('stops an entry that inflates past its declared size', () => {
    const data = writeZip([{ name: 'liar', data: Buffer.alloc(100_000, 7), declaredSize: 10 }]);
    const zip = openZip(data);
    expect(() => zip.read(zip.entries[0]!)).toThrow(LimitExceededError);
  });

  it('enforces the shared budget across entries', () => {
    const data = writeZip([
      { name: 'a', data: Buffer.alloc(600, 1) },
      { name: 'b', data: Buffer.alloc(600, 2) },
    ]);
    const zip = openZip(data, DEFAULT_ZIP_LIMITS, createZipBudget(1000));
    expect(zip.read(zip.entries[0]!).length).toBe(600);
    expect(() => zip.read(zip.entries[1]!)).toThrow(LimitExceededError);
  });

  it('refuses more entries than the limit', () => {
    const data = writeZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: Buffer.from('x') })));
    expect(() => openZip(data, { ...DEFAULT_ZIP_LIMITS, maxEntries: 4 })).toThrow(LimitExceededError);
  });

  it('reports corrupt deflate data as a format error', () => {
    const good = writeZip([{ name: 'a', data: Buffer.from('hello hello hello'), method: 'deflate' }]);
    const body = deflateRawSync(Buffer.from('hello hello hello'));
    const at = good.indexOf(body);
    good.fill(0xff, at, at + body.length);
    const zip = openZip(good);
    expect(() => zip.read(zip.entries[0]!)).toThrow(ImageFormatError);
  });

  it('rejects a truncated archive', () => {
    const data = read('info-zip.zip');
    expect(() => openZip(data.subarray(0, data.length - 30))).toThrow(ImageFormatError);
  });
});

describe('walkNestedZips', () => {
  const isArchive = (e: { name: string }) => e.name.endsWith('.jar');

  it('visits nested archives parent first, with their chain', () => {
    const inner = writeZip([{ name: 'inner.txt', data: Buffer.from('in') }]);
    const middle = writeZip([{ name: 'lib/inner.jar', data: inner }]);
    const outer = writeZip([{ name: 'BOOT-INF/lib/middle.jar', data: middle }]);
    const chains: string[][] = [];
    walkNestedZips(outer, { isArchive, maxDepth: 4, onError: () => undefined }, (v) => chains.push([...v.chain]));
    expect(chains).toEqual([[], ['BOOT-INF/lib/middle.jar'], ['BOOT-INF/lib/middle.jar', 'lib/inner.jar']]);
  });

  it('stops at the depth bound and reports the skipped archive', () => {
    let data = writeZip([{ name: 'leaf.txt', data: Buffer.from('x') }]);
    for (let i = 0; i < 6; i++) data = writeZip([{ name: `level${i}.jar`, data }]);
    const errors: string[] = [];
    let visits = 0;
    walkNestedZips(data, { isArchive, maxDepth: 4, onError: (chain) => errors.push(chain.join('!')) }, () => visits++);
    expect(visits).toBe(5);
    expect(errors).toHaveLength(1);
  });

  it('reports a corrupt nested archive and keeps visiting its siblings', () => {
    const good = writeZip([{ name: 'ok.txt', data: Buffer.from('ok') }]);
    const outer = writeZip([
      { name: 'bad.jar', data: Buffer.from('PK\x03\x04 not really a zip') },
      { name: 'good.jar', data: good },
    ]);
    const errors: BadInputError[] = [];
    const chains: string[] = [];
    walkNestedZips(outer, { isArchive, maxDepth: 4, onError: (_c, e) => errors.push(e) }, (v) => chains.push(v.chain.join('!')));
    expect(chains).toEqual(['', 'good.jar']);
    expect(errors[0]).toBeInstanceOf(ImageFormatError);
  });
});

describe('fuzzing the zip reader', () => {
  const seeds = [read('info-zip.zip'), read('info-zip-zip64.zip'), writeZip([{ name: 'a', data: Buffer.from('abc') }], { zip64: true })];

  it('never throws anything but BadInputError on mutated archives', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (seed, flips, cut) => {
          const data = Buffer.from(seed);
          for (const [at, value] of flips) data[at % data.length] = value;
          const input = cut % 3 === 0 ? data.subarray(0, cut % data.length) : data;
          try {
            const zip = openZip(input, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 1 << 20 }, createZipBudget(4 << 20));
            for (const entry of zip.entries) {
              try {
                zip.read(entry);
              } catch (error) {
                if (!(error instanceof BadInputError)) throw error;
              }
            }
          } catch (error) {
            if (!(error instanceof BadInputError)) throw error;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but BadInputError on random bytes behind an end record', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const eocd = Buffer.from('504b0506', 'hex');
        try {
          openZip(Buffer.concat([Buffer.from(bytes), eocd, Buffer.from(bytes).subarray(0, 18)]));
        } catch (error) {
          if (!(error instanceof BadInputError)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });
});

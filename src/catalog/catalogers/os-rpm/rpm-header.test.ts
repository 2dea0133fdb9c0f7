import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../domain/errors.js';
import { parseSourceRpm } from './parse-source-rpm.js';
import { readSqliteRpmdb } from './read-sqlite-rpmdb.js';
import { parseRpmHeader, RPM_TYPE } from './rpm-header.js';
import { rpmFileNames } from './rpm-file-names.js';
import { toRpmPackage } from './rpm-package.js';

const realBlobs = readSqliteRpmdb(readFileSync(new URL('./testdata/rhel-sqlite/var/lib/rpm/rpmdb.sqlite', import.meta.url)));

/** A header blob from (tag, type, bytes, count) entries, laid out as rpm does. */
function headerBlob(entries: readonly { tag: number; type: number; data: Buffer; count: number }[]): Buffer {
  const index = Buffer.alloc(entries.length * 16);
  const parts: Buffer[] = [];
  let offset = 0;
  entries.forEach((entry, i) => {
    const align = { [RPM_TYPE.INT16]: 2, [RPM_TYPE.INT32]: 4, [RPM_TYPE.INT64]: 8 }[entry.type] ?? 1;
    const pad = (align - (offset % align)) % align;
    parts.push(Buffer.alloc(pad));
    offset += pad;
    index.writeUInt32BE(entry.tag, i * 16);
    index.writeUInt32BE(entry.type, i * 16 + 4);
    index.writeUInt32BE(offset, i * 16 + 8);
    index.writeUInt32BE(entry.count, i * 16 + 12);
    parts.push(entry.data);
    offset += entry.data.length;
  });
  const preamble = Buffer.alloc(8);
  preamble.writeUInt32BE(entries.length, 0);
  preamble.writeUInt32BE(offset, 4);
  return Buffer.concat([preamble, index, ...parts]);
}

const str = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf8');
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

describe('parseRpmHeader', () => {
  it('decodes strings, string arrays, i18n strings, integers and binary data', () => {
    const blob = headerBlob([
      { tag: 1000, type: RPM_TYPE.STRING, data: str('bash'), count: 1 },
      { tag: 1001, type: RPM_TYPE.STRING, data: str('5.1.8'), count: 1 },
      { tag: 1002, type: RPM_TYPE.STRING, data: str('9.el9'), count: 1 },
      { tag: 1003, type: RPM_TYPE.INT32, data: int32(2), count: 1 },
      { tag: 1004, type: RPM_TYPE.I18NSTRING, data: Buffer.concat([str('The GNU shell'), str('Die GNU-Shell')]), count: 2 },
      { tag: 1047, type: RPM_TYPE.STRING_ARRAY, data: Buffer.concat([str('/bin/bash'), str('bash')]), count: 2 },
      { tag: 261, type: RPM_TYPE.BIN, data: Buffer.from([1, 2, 3]), count: 3 },
    ]);
    const header = parseRpmHeader(blob);
    expect(header.string(1000)).toBe('bash');
    expect(header.integer(1003)).toBe(2);
    expect(header.string(1004)).toBe('The GNU shell');
    expect(header.strings(1047)).toEqual(['/bin/bash', 'bash']);
    expect(header.binary(261)).toEqual(Buffer.from([1, 2, 3]));
    expect(header.has(1011)).toBe(false);
    expect(toRpmPackage(header)).toMatchObject({ name: 'bash', epoch: 2, version: '5.1.8', release: '9.el9', provides: ['/bin/bash', 'bash'] });
  });

  it.each([
    ['too short', Buffer.alloc(4)],
    ['no entries', headerBlob([]).subarray(0, 8)],
    ['a huge claimed index', Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])],
    ['a huge claimed data store', Buffer.from([0, 0, 0, 1, 0x7f, 0xff, 0xff, 0xff])],
    ['truncated data', headerBlob([{ tag: 1000, type: RPM_TYPE.STRING, data: str('bash'), count: 1 }]).subarray(0, 26)],
  ])('rejects %s with a BadInputError', (_name, blob) => {
    expect(() => parseRpmHeader(blob)).toThrow(BadInputError);
  });

  it('rejects a string without a terminator and an integer past the data store', () => {
    const unterminated = parseRpmHeader(headerBlob([{ tag: 1000, type: RPM_TYPE.STRING, data: Buffer.from('bash'), count: 1 }]));
    expect(() => unterminated.string(1000)).toThrow(BadInputError);
    const overlong = parseRpmHeader(headerBlob([{ tag: 1003, type: RPM_TYPE.INT32, data: int32(1), count: 2 }]));
    expect(() => overlong.integer(1003)).toThrow(BadInputError);
  });

  it('lets a later entry for the same tag win (rpm appends dribble entries)', () => {
    const header = parseRpmHeader(
      headerBlob([
        { tag: 1011, type: RPM_TYPE.STRING, data: str('old'), count: 1 },
        { tag: 1011, type: RPM_TYPE.STRING, data: str('new'), count: 1 },
      ]),
    );
    expect(header.string(1011)).toBe('new');
  });

  const readEverything = (blob: Uint8Array): void => {
    try {
      const header = parseRpmHeader(Buffer.from(blob));
      rpmFileNames(header);
      toRpmPackage(header);
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
    }
  };

  it('only ever throws BadInputError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), readEverything), { numRuns: 500 });
  });

  it('only ever throws BadInputError on mutated real headers', () => {
    const mutation = fc.record({
      which: fc.nat(realBlobs.length - 1),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      cut: fc.option(fc.nat()),
    });
    fc.assert(
      fc.property(mutation, ({ which, edits, cut }) => {
        const blob = Buffer.from(realBlobs[which] as Buffer);
        // Bias edits towards the preamble and index, where offsets and counts live.
        for (const [at, value] of edits) blob[at % Math.min(blob.length, 8 + 16 * 40)] = value;
        readEverything(cut === null ? blob : blob.subarray(0, cut % blob.length));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseSourceRpm', () => {
  it.each([
    ['util-linux-2.32.1-42.el8_8.src.rpm', { name: 'util-linux', version: '2.32.1', release: '42.el8_8' }],
    ['perl-tool-0.5-1.module+el8.9.0+1234+abcdef12.src.rpm', { name: 'perl-tool', version: '0.5', release: '1.module+el8.9.0+1234+abcdef12' }],
    ['kernel-5.14.0-362.8.1.el9_3.nosrc.rpm', { name: 'kernel', version: '5.14.0', release: '362.8.1.el9_3' }],
  ])('%s', (file, expected) => {
    expect(parseSourceRpm(file)).toEqual(expected);
  });
  it.each(['(none)', 'foo.src.rpm', 'foo-1.src.rpm', 'foo-1-2.rpm'])('rejects %s', (file) => {
    expect(parseSourceRpm(file)).toBeUndefined();
  });
});

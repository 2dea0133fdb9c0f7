import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../domain/errors.js';
import { readBdbRpmdb } from './read-bdb-rpmdb.js';
import { readNdbRpmdb } from './read-ndb-rpmdb.js';
import { readSqliteRpmdb } from './read-sqlite-rpmdb.js';

const fixture = (path: string): Buffer => readFileSync(new URL(`./testdata/${path}`, import.meta.url));
const bdbLittle = fixture('centos-bdb/var/lib/rpm/Packages');
const bdbBig = fixture('bdb-big-endian/Packages');
const ndb = fixture('suse-ndb/usr/lib/sysimage/rpm/Packages.db');
const sqlite = fixture('rhel-sqlite/var/lib/rpm/rpmdb.sqlite');

/** Runs a reader; it may return (with problems) or throw BadInputError, nothing else. */
function survives(read: (file: Buffer) => unknown, file: Buffer): void {
  try {
    read(file);
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
  }
}

const mutations = (size: number) =>
  fc.record({
    edits: fc.array(fc.tuple(fc.nat(size - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }),
    cut: fc.option(fc.nat(size)),
  });

function mutate(original: Buffer, { edits, cut }: { edits: [number, number][]; cut: number | null }): Buffer {
  const copy = Buffer.from(original);
  for (const [at, value] of edits) copy[at] = value;
  return cut === null ? copy : copy.subarray(0, cut);
}

describe('rpm database readers on hostile input', () => {
  it.each([
    ['BDB', readBdbRpmdb],
    ['NDB', readNdbRpmdb],
    ['SQLite', readSqliteRpmdb],
  ] as const)('%s: random bytes are a BadInputError, never a crash', (_name, read) => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 8192 }), (bytes) => survives(read, Buffer.from(bytes))), { numRuns: 200 });
  });

  it.each([
    ['BDB little-endian', readBdbRpmdb, bdbLittle, 600],
    ['BDB big-endian', readBdbRpmdb, bdbBig, 600],
    ['NDB', readNdbRpmdb, ndb, 600],
    ['SQLite', readSqliteRpmdb, sqlite, 60],
  ] as const)('%s: mutated real databases never crash', (_name, read, original, runs) => {
    fc.assert(fc.property(mutations(original.length), (m) => survives(read, mutate(original, m))), { numRuns: runs });
  });

  it('BDB: a hash page whose items all point at one long overflow chain reads it once', () => {
    const pageSize = 512;
    const pages = 64;
    const file = Buffer.alloc(pageSize * pages);
    file.writeUInt32LE(0x061561, 12);
    file.writeUInt32LE(pageSize, 20);
    file[25] = 8;
    file.writeUInt32LE(pages - 1, 32);
    // Page 1: a hash page with 100 key/value pairs, every value the same off-page item.
    const hash = pageSize;
    file[hash + 25] = 13;
    const items = 200;
    file.writeUInt16LE(items, hash + 20);
    const offpage = pageSize - 12;
    file[hash + offpage] = 3;
    file.writeUInt32LE(2, hash + offpage + 4);
    file.writeUInt32LE((pages - 2) * (pageSize - 26), hash + offpage + 8);
    for (let i = 0; i < items; i++) file.writeUInt16LE(offpage, hash + 26 + i * 2);
    // Pages 2..63: one overflow chain, each page full.
    for (let p = 2; p < pages; p++) {
      const base = p * pageSize;
      file[base + 25] = 7;
      file.writeUInt16LE(pageSize - 26, base + 22);
      file.writeUInt32LE(p + 1 < pages ? p + 1 : 0, base + 16);
    }
    const { blobs, problems } = readBdbRpmdb(file);
    expect(blobs).toHaveLength(1);
    expect(problems).toHaveLength(items / 2 - 1);
  });

  it('NDB: slots that all point at one blob are refused', () => {
    const copy = Buffer.from(ndb);
    const first = copy.subarray(32, 48);
    for (let at = 48; at < 4096; at += 16) first.copy(copy, at);
    expect(() => readNdbRpmdb(copy)).toThrow(BadInputError);
  });

  it('NDB: a blob with a bad checksum is reported and skipped', () => {
    const copy = Buffer.from(ndb);
    const blkoff = copy.readUInt32LE(32 + 8);
    const at = blkoff * 16 + 100;
    copy[at] = (copy[at] ?? 0) ^ 0xff;
    const { blobs, problems } = readNdbRpmdb(copy);
    expect(blobs).toHaveLength(readNdbRpmdb(ndb).blobs.length - 1);
    expect(problems).toEqual([expect.stringContaining('adler32')]);
  });
});

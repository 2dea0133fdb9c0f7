import { createReadStream, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BulkheadError, ImageFormatError } from '../../domain/errors.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { END_OF_ARCHIVE, gnuList, makeTemp, tarDir, tarMember, ustarHeader, writeTree } from '../testdata/make-archives.js';
import { streamByteSource } from './byte-source.js';
import { openTar, readTar } from './tar-reader.js';
import type { TarEntry, TarMember } from './tar-reader.js';

const temp = makeTemp();
afterAll(() => temp.cleanup());

async function* chunksOf(buf: Buffer, size = 700): AsyncIterable<Buffer> {
  for (let at = 0; at < buf.length; at += size) yield buf.subarray(at, at + size);
}

async function list(input: AsyncIterable<Buffer>, keep: (e: TarEntry) => boolean = () => true) {
  const entries: TarEntry[] = [];
  const bodies = new Map<string, string>();
  const warnings: string[] = [];
  for await (const member of readTar(streamByteSource(input), { limits: DEFAULT_LIMITS, warn: (m, p) => warnings.push(`${m} ${p}`) })) {
    entries.push(member.entry);
    if (member.entry.type === 'file' && keep(member.entry)) bodies.set(member.entry.path, (await member.body(1 << 20)).toString());
  }
  return { entries, bodies, warnings };
}

const longDir = 'd'.repeat(90) + '/' + 'e'.repeat(90) + '/' + 'f'.repeat(90);
const spec = {
  'etc/os-release': 'ID=debian\n',
  'usr/lib/x.so.1': 'elf',
  [`${longDir}/${'n'.repeat(120)}.txt`]: 'long name',
  'bin/sh': { symlink: '/usr/bin/dash' },
  [`lnk/${'l'.repeat(110)}`]: { symlink: `../${'t'.repeat(150)}` },
  'usr/lib/x.so': { hardlink: 'usr/lib/x.so.1' },
  'empty-dir': { dir: true as const },
};
const tree = path.join(temp.dir, 'tree');
writeTree(tree, spec);

describe('readTar against GNU tar', () => {
  for (const format of ['gnu', 'posix', 'ustar'] as const) {
    it(`lists every member GNU tar lists (${format})`, async () => {
      const out = path.join(temp.dir, `t-${format}.tar`);
      // ustar cannot hold a 120-character file name after a long directory; GNU tar refuses those members.
      try {
        tarDir(tree, out, format);
      } catch {
        if (format !== 'ustar') throw new Error(`GNU tar failed for ${format}`);
      }
      const expected = gnuList(out).map((name) => '/' + name.replace(/^\.\/?/, '').replace(/\/$/, ''));
      const { entries, bodies } = await list(chunksOf(readFileSync(out)));
      expect(entries.map((e) => e.path)).toEqual(expected);
      for (const entry of entries) {
        const real = lstatSync(path.join(tree, entry.path));
        if (real.isFile() && entry.type === 'file') {
          expect(entry.size).toBe(real.size);
          expect(bodies.get(entry.path)).toBe(readFileSync(path.join(tree, entry.path), 'utf8'));
        }
        if (real.isSymbolicLink()) {
          expect(entry.type).toBe('symlink');
          expect(entry.linkTarget).toBe(execFileSync('readlink', [path.join(tree, entry.path)], { encoding: 'utf8' }).trim());
        }
        if (real.isDirectory()) expect(entry.type).toBe('dir');
        expect(entry.mode).toBe(real.mode & 0o7777);
      }
      const hard = entries.find((e) => e.path === '/usr/lib/x.so' || e.path === '/usr/lib/x.so.1');
      expect(entries.some((e) => e.type === 'hardlink' && e.linkTarget === hard?.path && hard?.type === 'file')).toBe(true);
    });
  }

  it('reads PAX global headers and large uids written by GNU tar', async () => {
    const out = path.join(temp.dir, 'pax-global.tar');
    tarDir(tree, out, 'posix', ['--pax-option=comment=built-by-test', '--owner=4000000000']);
    const raw = readFileSync(out);
    expect(raw.subarray(156, 157).toString()).toBe('g');
    const { entries } = await list(chunksOf(raw));
    expect(entries.length).toBe(gnuList(out).length);
    expect(entries.every((e) => e.uid === 4000000000)).toBe(true);
  });

  it('decodes base-256 numbers (GNU format, uid beyond octal range)', async () => {
    const out = path.join(temp.dir, 'b256.tar');
    tarDir(tree, out, 'gnu', ['--owner=4000000000']);
    const raw = readFileSync(out);
    expect(raw[108]! & 0x80).toBe(0x80);
    const { entries } = await list(chunksOf(raw));
    expect(entries.every((e) => e.uid === 4000000000)).toBe(true);
  });

  it('reports the real size of a 2 GiB sparse file and skips its stored body', async () => {
    const dir = path.join(temp.dir, 'sparse');
    writeTree(dir, { 'after.txt': 'after' });
    execFileSync('truncate', ['-s', '2G', path.join(dir, 'big.img')]);
    for (const format of ['gnu', 'posix'] as const) {
      const out = path.join(temp.dir, `sparse-${format}.tar`);
      tarDir(dir, out, format, ['--sparse']);
      expect(lstatSync(out).size).toBeLessThan(1 << 20);
      const { entries, bodies } = await list(chunksOf(readFileSync(out), 4096), (e) => !e.sparse);
      const big = entries.find((e) => e.path === '/big.img');
      expect(big).toMatchObject({ type: 'file', size: 2 * 1024 ** 3, sparse: true });
      expect(bodies.get('/after.txt')).toBe('after');
    }
  });
});

describe('readTar on hand-made headers', () => {
  it('skips a streamed 2 GiB body without buffering it', async () => {
    const size = 2 * 1024 ** 3;
    const zeros = Buffer.alloc(1 << 20);
    async function* stream(): AsyncIterable<Buffer> {
      yield ustarHeader({ name: 'huge.bin', size });
      for (let sent = 0; sent < size; sent += zeros.length) yield zeros;
      yield tarMember({ name: 'after.txt' }, 'after');
      yield END_OF_ARCHIVE;
    }
    const before = process.memoryUsage().rss;
    const { entries, bodies } = await list(stream(), (e) => e.size < 100);
    expect(entries.map((e) => [e.path, e.size])).toEqual([
      ['/huge.bin', size],
      ['/after.txt', 5],
    ]);
    expect(bodies.get('/after.txt')).toBe('after');
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('decodes a base-256 size that GNU tar also accepts', async () => {
    const file = path.join(temp.dir, 'b256-size.tar');
    const archive = Buffer.concat([tarMember({ name: 'a.txt', base256Size: true }, 'hello'), END_OF_ARCHIVE]);
    writeFileSync(file, archive);
    expect(execFileSync('tar', ['-xOf', file, 'a.txt'], { encoding: 'utf8' })).toBe('hello');
    const { bodies } = await list(chunksOf(archive));
    expect(bodies.get('/a.txt')).toBe('hello');
  });

  it('refuses names that escape the root, with a warning, and keeps going', async () => {
    const archive = Buffer.concat([
      tarMember({ name: '../../etc/passwd' }, 'evil'),
      tarMember({ name: 'a/../../b' }, 'evil'),
      tarMember({ name: 'link', type: '1', linkname: '../../etc/shadow' }),
      tarMember({ name: '/abs/ok.txt' }, 'fine'),
      tarMember({ name: 'x/../y.txt' }, 'inside'),
      END_OF_ARCHIVE,
    ]);
    const { entries, warnings, bodies } = await list(chunksOf(archive));
    expect(entries.map((e) => e.path)).toEqual(['/abs/ok.txt', '/y.txt']);
    expect(bodies.get('/y.txt')).toBe('inside');
    expect(warnings).toHaveLength(3);
  });

  it('rejects a corrupted checksum and a truncated body as ImageFormatError', async () => {
    const good = Buffer.concat([tarMember({ name: 'a.txt' }, 'x'.repeat(1000)), END_OF_ARCHIVE]);
    const bad = Buffer.from(good);
    bad[10] = 0x41;
    await expect(list(chunksOf(bad))).rejects.toBeInstanceOf(ImageFormatError);
    await expect(list(chunksOf(good.subarray(0, 900)))).rejects.toBeInstanceOf(ImageFormatError);
  });
});

describe('readTar fuzzing', () => {
  const seed = Buffer.concat([
    tarMember({ name: 'a.txt' }, 'alpha'),
    tarMember({ name: 'dir/', type: '5' }),
    tarMember({ name: 'l', type: '2', linkname: 'a.txt' }),
    END_OF_ARCHIVE,
  ]);
  const posix = readFileSync(tarDir(tree, path.join(temp.dir, 'fuzz-seed.tar'), 'posix'));

  const outcome = async (input: Buffer): Promise<void> => {
    try {
      await list(chunksOf(input, 333));
    } catch (error) {
      if (!(error instanceof BulkheadError)) throw error;
    }
  };

  it('random bytes yield entries or a Bulkhead error', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 3000 }), (bytes) => outcome(Buffer.from(bytes))), { numRuns: 300 });
  });

  it('mutated and truncated archives yield entries or a Bulkhead error', async () => {
    for (const base of [seed, posix]) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
          fc.nat(base.length),
          async (mutations, cut) => {
            const copy = Buffer.from(base);
            for (const [at, value] of mutations) copy[at] = value;
            await outcome(copy.subarray(0, cut));
          },
        ),
        { numRuns: 300 },
      );
    }
  });

  it('headers with valid checksums but random fields yield entries or a Bulkhead error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 99 }),
        fc.constantFrom('0', '1', '2', '5', 'x', 'g', 'L', 'K', 'S', 'V', 'Z'),
        fc.nat(5000),
        fc.uint8Array({ maxLength: 2000 }),
        async (name, type, size, body) => {
          const header = ustarHeader({ name, type, size });
          await outcome(Buffer.concat([header, Buffer.from(body), END_OF_ARCHIVE]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a file through a stream as well', async () => {
    const file = path.join(temp.dir, 'stream.tar');
    tarDir(tree, file, 'gnu');
    const { entries } = await list(createReadStream(file) as AsyncIterable<Buffer>);
    expect(entries.length).toBe(gnuList(file).length);
  });
});

describe('openTar', () => {
  it('hands over members without a promise while their headers are in memory', async () => {
    const archive = Buffer.concat([
      tarMember({ name: 'a.txt' }, 'alpha'),
      tarMember({ name: 'b.txt' }, 'x'.repeat(3000)),
      tarMember({ name: 'c.txt' }, 'gamma'),
      END_OF_ARCHIVE,
    ]);
    const source = streamByteSource(chunksOf(archive, archive.length));
    const cursor = openTar(source, { limits: DEFAULT_LIMITS, warn: () => undefined });
    const first = await cursor.next(); // the first chunk has to arrive
    expect(first?.entry.path).toBe('/a.txt');
    const second = cursor.next();
    expect(second).not.toBeInstanceOf(Promise);
    expect((second as TarMember).entry.path).toBe('/b.txt');
    expect((await (second as TarMember).body(4096)).toString()).toBe('x'.repeat(3000));
    const third = cursor.next();
    expect((third as TarMember).entry.path).toBe('/c.txt');
    expect(cursor.next()).toBeUndefined();
  });
});

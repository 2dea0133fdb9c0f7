import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageFormatError, LimitExceededError } from '../domain/errors.js';
import type { ScanWarning } from '../domain/inventory.js';
import type { Compression, LayerBlob } from './image-source.js';
import { readLayer } from './layer-reader.js';
import type { LayerReadOptions } from './layer-reader.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { ReadLimits } from './limits.js';
import { gzipFile, makeTemp, tarDir, writeTree, zstdFile } from './testdata/make-archives.js';

const temp = makeTemp();
afterAll(() => temp.cleanup());

const sha256sum = (file: string): string => `sha256:${execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]}`;
const uncompressedSha = (cmd: string, file: string): string =>
  `sha256:${execFileSync('sh', ['-c', `${cmd} "$1" | sha256sum`, 'sh', file], { encoding: 'utf8' }).split(' ')[0]}`;

function blob(file: string, compression: Compression, extra: Partial<LayerBlob> = {}): LayerBlob {
  return { compression, ...extra, open: async () => createReadStream(file) };
}

function options(selected: string[], limits: Partial<ReadLimits> = {}): LayerReadOptions & { warnings: ScanWarning[] } {
  const warnings: ScanWarning[] = [];
  return {
    selects: (p) => selected.includes(p),
    limits: { ...DEFAULT_LIMITS, ...limits },
    budget: { used: 0 },
    warn: (w) => warnings.push(w),
    warnings,
  };
}

const tree = path.join(temp.dir, 'layer');
writeTree(tree, {
  'etc/os-release': 'ID=debian\n',
  'usr/bin/perl5.36': 'perl binary',
  'usr/bin/perl': { hardlink: 'usr/bin/perl5.36' },
  'var/lib/.wh.gone': '',
  'opt/app/.wh..wh..opq': '',
  'opt/app/new.txt': 'new',
  'big.txt': 'x'.repeat(5000),
});
const plain = tarDir(tree, path.join(temp.dir, 'layer.tar'), 'gnu');
const gz = gzipFile(plain);
const zst = zstdFile(plain);

describe('readLayer', () => {
  for (const [name, file, compression, cmd] of [
    ['plain', plain, 'none', 'cat'],
    ['gzip', gz, 'gzip', 'zcat'],
    ['zstd', zst, 'zstd', 'zstdcat'],
    ['gzip (detected)', gz, 'detect', 'zcat'],
    ['zstd (detected)', zst, 'detect', 'zstdcat'],
    ['plain (detected)', plain, 'detect', 'cat'],
  ] as const) {
    it(`reads a ${name} layer and verifies its digest and diffId`, async () => {
      const diffId = uncompressedSha(cmd, file);
      const opts = options(['/etc/os-release', '/usr/bin/perl']);
      const record = await readLayer(blob(file, compression, { digest: sha256sum(file), diffId }), opts);
      expect(record.diffId).toBe(diffId);
      expect(record.contents.get('/etc/os-release')?.toString()).toBe('ID=debian\n');
      expect(record.whiteouts).toEqual(['/var/lib/gone']);
      expect(record.opaqueDirs).toEqual(['/opt/app']);
      expect(record.entries.some((e) => e.path.includes('.wh.'))).toBe(false);
      expect(record.entries.find((e) => e.path === '/opt/app/new.txt')?.type).toBe('file');
    });
  }

  it('keeps the reduced content of a selected file, counts only that, and lets inspectors see the original', async () => {
    const inspected: string[] = [];
    const opts = {
      ...options(['/big.txt', '/etc/os-release']),
      reduce: (p: string, content: Buffer) => (p === '/big.txt' ? content.subarray(0, 10) : content),
      inspect: () => (content: Buffer) => inspected.push(`${content.length}`),
    };
    const record = await readLayer(blob(plain, 'none'), opts);
    expect(record.contents.get('/big.txt')?.toString()).toBe('x'.repeat(10));
    expect(record.contents.get('/etc/os-release')?.toString()).toBe('ID=debian\n');
    expect(opts.budget.used).toBe(10 + 'ID=debian\n'.length);
    expect(inspected).toContain('5000');
  });

  it('gives a hard link its target content when the target was kept', async () => {
    const opts = options(['/usr/bin/perl5.36', '/usr/bin/perl']);
    const record = await readLayer(blob(plain, 'none'), opts);
    const [first, second] = record.entries.filter((e) => e.path.startsWith('/usr/bin/perl'));
    expect(first?.type).toBe('file');
    expect(second?.type).toBe('hardlink');
    expect(record.contents.get(second!.path)?.toString()).toBe('perl binary');
    expect(opts.warnings).toEqual([]);
  });

  it('names the layer on a blob digest or diffId mismatch', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    await expect(readLayer(blob(gz, 'gzip', { index: 3, digest: wrong }), options([]))).rejects.toThrow(/layer 3.*digest mismatch/);
    await expect(readLayer(blob(gz, 'gzip', { index: 2, diffId: wrong }), options([]))).rejects.toThrow(ImageFormatError);
    await expect(readLayer(blob(gz, 'gzip', { index: 2, diffId: wrong }), options([]))).rejects.toThrow(/layer 2 \(sha256:0+\).*diffId mismatch/);
  });

  it('verifies a large layer on the hashing worker: the right diffId and digest pass, a wrong one names the layer', async () => {
    const dir = path.join(temp.dir, 'large');
    writeTree(dir, { 'etc/os-release': 'ID=debian\n' });
    execFileSync('sh', ['-c', 'head -c 40000000 /dev/urandom > "$1"', 'sh', path.join(dir, 'random.bin')]);
    const large = tarDir(dir, path.join(temp.dir, 'large.tar'), 'gnu');
    const largeGz = gzipFile(large);
    const size = (file: string): number => Number(execFileSync('stat', ['-c', '%s', file], { encoding: 'utf8' }));
    const diffId = sha256sum(large);
    const record = await readLayer(blob(large, 'none', { size: size(large), digest: diffId, diffId }), options(['/etc/os-release']));
    expect(record.diffId).toBe(diffId);
    expect(record.contents.get('/etc/os-release')?.toString()).toBe('ID=debian\n');
    const gzRecord = await readLayer(blob(largeGz, 'gzip', { size: size(largeGz), digest: sha256sum(largeGz), diffId }), options([]));
    expect(gzRecord.diffId).toBe(diffId);
    const wrong = `sha256:${'0'.repeat(64)}`;
    await expect(readLayer(blob(large, 'none', { index: 4, size: size(large), diffId: wrong }), options([]))).rejects.toThrow(/layer 4 \(sha256:0+\).*diffId mismatch/);
    await expect(readLayer(blob(largeGz, 'gzip', { index: 5, size: size(largeGz), digest: wrong }), options([]))).rejects.toThrow(/layer 5.*digest mismatch/);
  });

  it('keeps metadata but not content of a selected file above maxFileBytes, and honours maxBufferedBytes', async () => {
    const opts = options(['/big.txt', '/etc/os-release'], { maxFileBytes: 1000, maxBufferedBytes: 5 });
    const record = await readLayer(blob(plain, 'none'), opts);
    expect(record.entries.find((e) => e.path === '/big.txt')?.size).toBe(5000);
    expect(record.contents.size).toBe(0);
    expect(opts.warnings.map((w) => w.path).sort()).toEqual(['/big.txt', '/etc/os-release']);
    expect(opts.warnings.every((w) => w.layer === record.diffId && w.source === 'image')).toBe(true);
  });

  it('stops a decompression bomb at maxLayerBytes (gzip and zstd)', async () => {
    const dir = path.join(temp.dir, 'bomb');
    writeTree(dir, {});
    execFileSync('truncate', ['-s', '64M', path.join(dir, 'zeros')]);
    const bomb = tarDir(dir, path.join(temp.dir, 'bomb.tar'), 'gnu');
    const bombGz = gzipFile(bomb);
    const bombZst = zstdFile(bomb);
    execFileSync('rm', [bomb]);
    for (const [file, compression] of [
      [bombGz, 'gzip'],
      [bombZst, 'zstd'],
    ] as const) {
      expect(Number(execFileSync('stat', ['-c', '%s', file], { encoding: 'utf8' }))).toBeLessThan(200_000);
      await expect(readLayer(blob(file, compression), options([], { maxLayerBytes: 4 * 1024 * 1024 }))).rejects.toBeInstanceOf(LimitExceededError);
    }
  });

  it('enforces maxEntriesPerLayer', async () => {
    await expect(readLayer(blob(plain, 'none'), options([], { maxEntriesPerLayer: 3 }))).rejects.toBeInstanceOf(LimitExceededError);
  });

  it('reports corrupt compressed data as ImageFormatError', async () => {
    const broken = path.join(temp.dir, 'broken.gz');
    execFileSync('sh', ['-c', `head -c 200 "$1" > "$2"`, 'sh', gz, broken]);
    await expect(readLayer(blob(broken, 'gzip'), options([]))).rejects.toBeInstanceOf(ImageFormatError);
    await expect(readLayer(blob(plain, 'zstd'), options([]))).rejects.toBeInstanceOf(ImageFormatError);
  });
});

/**
 * Our own ZIP reader for jars and other archives found inside images. It
 * parses the central directory (zip64 included), then inflates single entries
 * on demand with node:zlib, bounded three ways: per-entry size, a budget of
 * bytes shared by an archive and every archive nested in it, and the
 * uncompressed/compressed ratio, so a zip bomb stops at a LimitExceededError.
 */
import { inflateRawSync } from 'node:zlib';
import { ImageFormatError, LimitExceededError } from '../../domain/errors.js';

export interface ZipLimits {
  /** Most central-directory entries accepted. */
  readonly maxEntries: number;
  /** Largest uncompressed entry that read() returns. */
  readonly maxEntryBytes: number;
  /** Highest uncompressed/compressed ratio for entries over ratioFloorBytes. */
  readonly maxRatio: number;
  /** Entries smaller than this skip the ratio check (tiny files compress oddly). */
  readonly ratioFloorBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 200_000,
  maxEntryBytes: 256 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
};

/** Bytes left to inflate; one budget is shared by an archive and everything nested in it. */
export interface ZipBudget {
  remaining: number;
}

export function createZipBudget(totalBytes = 1024 * 1024 * 1024): ZipBudget {
  return { remaining: totalBytes };
}

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
  readonly isDirectory: boolean;
}

export interface ZipArchive {
  readonly entries: readonly ZipEntry[];
  /** Uncompressed content of one entry; throws ImageFormatError or LimitExceededError. */
  read(entry: ZipEntry): Buffer;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;

export function isZip(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && (data[2] === 3 || data[2] === 5) && (data[3] === 4 || data[3] === 6);
}

export function openZip(data: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS, budget: ZipBudget = createZipBudget()): ZipArchive {
  const eocd = findEocd(data);
  let count = data.readUInt16LE(eocd + 10);
  let cdSize = data.readUInt32LE(eocd + 12);
  let cdOffset = data.readUInt32LE(eocd + 16);
  let cdEnd = eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const z = readZip64Eocd(data, eocd);
    if (z) {
      ({ count, cdSize, cdOffset } = z);
      cdEnd = z.position;
    }
  }
  if (count > limits.maxEntries) throw new LimitExceededError(`zip has ${count} entries, over the limit of ${limits.maxEntries}`);
  if (cdSize > cdEnd) throw new ImageFormatError('zip central directory lies outside the file');
  // Data prepended to the archive (launcher scripts on Spring Boot jars) shifts every offset.
  const shift = cdEnd - cdSize - cdOffset;
  if (shift < 0) throw new ImageFormatError('zip central directory lies outside the file');
  const entries = readCentralDirectory(data, cdEnd - cdSize, cdSize, count, shift);
  return { entries, read: (entry) => readEntry(data, entry, limits, budget) };
}

function findEocd(data: Buffer): number {
  if (data.length < 22) throw new ImageFormatError('zip is truncated: no end of central directory');
  const stop = Math.max(0, data.length - 22 - 0xffff);
  for (let i = data.length - 22; i >= stop; i--) {
    if (data.readUInt32LE(i) === EOCD_SIG && i + 22 + data.readUInt16LE(i + 20) <= data.length) return i;
  }
  throw new ImageFormatError('zip end of central directory not found');
}

function readZip64Eocd(data: Buffer, eocd: number): { count: number; cdSize: number; cdOffset: number; position: number } | undefined {
  const loc = eocd - 20;
  if (loc < 0 || data.readUInt32LE(loc) !== ZIP64_LOCATOR_SIG) return undefined;
  const declared = safeNumber(data.readBigUInt64LE(loc + 8));
  // Locate the zip64 record relative to the locator, as prepended data may shift the declared offset.
  const position = loc - 56 >= 0 && data.readUInt32LE(loc - 56) === ZIP64_EOCD_SIG ? loc - 56 : declared;
  if (position + 56 > data.length || data.readUInt32LE(position) !== ZIP64_EOCD_SIG) {
    throw new ImageFormatError('zip64 end of central directory record not found');
  }
  return {
    count: safeNumber(data.readBigUInt64LE(position + 32)),
    cdSize: safeNumber(data.readBigUInt64LE(position + 40)),
    cdOffset: safeNumber(data.readBigUInt64LE(position + 48)),
    position,
  };
}

function readCentralDirectory(data: Buffer, start: number, size: number, count: number, shift: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const end = start + size;
  let p = start;
  for (let i = 0; i < count; i++) {
    if (p + 46 > end || data.readUInt32LE(p) !== CENTRAL_SIG) throw new ImageFormatError(`zip central directory entry ${i} is corrupt`);
    const flags = data.readUInt16LE(p + 8);
    const method = data.readUInt16LE(p + 10);
    const crc32 = data.readUInt32LE(p + 16);
    let compressedSize = data.readUInt32LE(p + 20);
    let uncompressed = data.readUInt32LE(p + 24);
    const nameLen = data.readUInt16LE(p + 28);
    const extraLen = data.readUInt16LE(p + 30);
    const commentLen = data.readUInt16LE(p + 32);
    let offset = data.readUInt32LE(p + 42);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > end) throw new ImageFormatError(`zip central directory entry ${i} is truncated`);
    const name = data.toString('utf8', p + 46, p + 46 + nameLen);
    if (uncompressed === 0xffffffff || compressedSize === 0xffffffff || offset === 0xffffffff) {
      // The extra field is cut out only here: a jar has thousands of entries and almost never needs it.
      const extra = data.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
      const z = zip64Extra(extra, uncompressed === 0xffffffff, compressedSize === 0xffffffff, offset === 0xffffffff);
      uncompressed = z.size ?? uncompressed;
      compressedSize = z.compressedSize ?? compressedSize;
      offset = z.offset ?? offset;
    }
    entries.push({
      name,
      method,
      flags,
      compressedSize,
      size: uncompressed,
      crc32,
      localHeaderOffset: offset + shift,
      isDirectory: name.endsWith('/'),
    });
    p = next;
  }
  return entries;
}

function zip64Extra(extra: Buffer, wantSize: boolean, wantCompressed: boolean, wantOffset: boolean) {
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    const body = extra.subarray(p + 4, Math.min(extra.length, p + 4 + len));
    if (id === 0x0001) {
      let q = 0;
      const next = (): number | undefined => {
        if (q + 8 > body.length) throw new ImageFormatError('zip64 extra field is truncated');
        const v = safeNumber(body.readBigUInt64LE(q));
        q += 8;
        return v;
      };
      const size = wantSize ? next() : undefined;
      const compressedSize = wantCompressed ? next() : undefined;
      const offset = wantOffset ? next() : undefined;
      return { size, compressedSize, offset };
    }
    p += 4 + len;
  }
  throw new ImageFormatError('zip entry needs a zip64 extra field but has none');
}

function readEntry(data: Buffer, entry: ZipEntry, limits: ZipLimits, budget: ZipBudget): Buffer {
  const where = `zip entry ${entry.name}`;
  if (entry.flags & 1) throw new ImageFormatError(`${where} is encrypted`);
  if (entry.size > limits.maxEntryBytes) {
    throw new LimitExceededError(`${where} is ${entry.size} bytes, over the ${limits.maxEntryBytes}-byte limit`);
  }
  if (entry.size > budget.remaining) throw new LimitExceededError(`${where} would exceed the archive's total decompression budget`);
  if (entry.size >= limits.ratioFloorBytes && entry.size > entry.compressedSize * limits.maxRatio) {
    throw new LimitExceededError(`${where} has a compression ratio over ${limits.maxRatio}: likely a zip bomb`);
  }
  const p = entry.localHeaderOffset;
  if (p < 0 || p + 30 > data.length || data.readUInt32LE(p) !== LOCAL_SIG) throw new ImageFormatError(`${where}: local header not found`);
  const start = p + 30 + data.readUInt16LE(p + 26) + data.readUInt16LE(p + 28);
  if (start + entry.compressedSize > data.length) throw new ImageFormatError(`${where} lies outside the file`);
  const raw = data.subarray(start, start + entry.compressedSize);
  let out: Buffer;
  if (entry.method === METHOD_STORED) {
    if (entry.compressedSize !== entry.size) throw new ImageFormatError(`${where}: stored entry sizes disagree`);
    out = raw;
  } else if (entry.method === METHOD_DEFLATE) {
    try {
      // One byte over the declared size lets us detect a lying header without inflating further.
      out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size + 1) });
    } catch (cause) {
      if (cause instanceof RangeError) throw new LimitExceededError(`${where} inflates past its declared size`, { cause });
      throw new ImageFormatError(`${where} has corrupt deflate data`, { cause });
    }
    if (out.length !== entry.size) throw new ImageFormatError(`${where} inflates to ${out.length} bytes, not the declared ${entry.size}`);
  } else {
    throw new ImageFormatError(`${where} uses unsupported compression method ${entry.method}`);
  }
  budget.remaining -= out.length;
  return out;
}

function safeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ImageFormatError('zip64 field is out of range');
  return Number(v);
}

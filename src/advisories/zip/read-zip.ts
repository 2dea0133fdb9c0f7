/**
 * A small ZIP reader for feed archives (OSV all.zip, our bundles): central
 * directory over an in-memory buffer (already size-bounded by the download or
 * file read), entries inflated one at a time with node:zlib, each bounded in
 * size and ratio, CRC-checked, so a truncated or hostile archive fails with an
 * ImageFormatError/LimitExceededError instead of a crash or a bomb.
 * (catalog/zip has a similar reader, but advisories/ ranks below catalog/.)
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { BadInputError, LimitExceededError } from '../../domain/errors.js';

export interface FeedZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

export interface FeedZipLimits {
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  readonly maxTotalBytes: number;
  readonly maxRatio: number;
}

export const FEED_ZIP_LIMITS: FeedZipLimits = {
  maxEntries: 2_000_000,
  maxEntryBytes: 512 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024 * 1024,
  maxRatio: 1000,
};

export interface FeedZip {
  readonly entries: readonly FeedZipEntry[];
  read(entry: FeedZipEntry): Buffer;
}

export function looksLikeZip(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && (data[2] === 3 || data[2] === 5);
}

function fail(origin: string, what: string): never {
  throw new BadInputError(`${origin}: ${what}`);
}

export function openFeedZip(data: Buffer, origin: string, limits: FeedZipLimits = FEED_ZIP_LIMITS): FeedZip {
  if (data.length < 22) fail(origin, 'zip is truncated (no end of central directory)');
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail(origin, 'zip is truncated or corrupt (end of central directory not found)');
  let count = data.readUInt16LE(eocd + 10);
  let cdSize = data.readUInt32LE(eocd + 12);
  let cdOffset = data.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || data.readUInt32LE(loc) !== 0x07064b50) fail(origin, 'zip64 locator missing');
    const z = Number(data.readBigUInt64LE(loc + 8));
    if (z + 56 > data.length || data.readUInt32LE(z) !== 0x06064b50) fail(origin, 'zip64 end record missing');
    count = Number(data.readBigUInt64LE(z + 32));
    cdSize = Number(data.readBigUInt64LE(z + 40));
    cdOffset = Number(data.readBigUInt64LE(z + 48));
  }
  if (count > limits.maxEntries) throw new LimitExceededError(`${origin}: zip has ${count} entries, over the limit of ${limits.maxEntries}`);
  if (cdOffset + cdSize > data.length) fail(origin, 'zip central directory lies outside the file (truncated?)');
  const entries: FeedZipEntry[] = [];
  let p = cdOffset;
  const end = cdOffset + cdSize;
  for (let i = 0; i < count; i++) {
    if (p + 46 > end || data.readUInt32LE(p) !== 0x02014b50) fail(origin, `zip central directory entry ${i} is corrupt`);
    const nameLen = data.readUInt16LE(p + 28);
    const extraLen = data.readUInt16LE(p + 30);
    const commentLen = data.readUInt16LE(p + 32);
    let compressedSize = data.readUInt32LE(p + 20);
    let size = data.readUInt32LE(p + 24);
    let offset = data.readUInt32LE(p + 42);
    const extraStart = p + 46 + nameLen;
    if (extraStart + extraLen > end) fail(origin, `zip central directory entry ${i} is truncated`);
    if (size === 0xffffffff || compressedSize === 0xffffffff || offset === 0xffffffff) {
      ({ size, compressedSize, offset } = zip64Sizes(data.subarray(extraStart, extraStart + extraLen), size, compressedSize, offset, origin));
    }
    entries.push({
      name: data.toString('utf8', p + 46, extraStart),
      flags: data.readUInt16LE(p + 8),
      method: data.readUInt16LE(p + 10),
      crc32: data.readUInt32LE(p + 16),
      compressedSize,
      size,
      localHeaderOffset: offset,
    });
    p = extraStart + extraLen + commentLen;
  }
  let inflated = 0;
  return {
    entries,
    read(entry) {
      const where = `${origin}: zip entry ${entry.name}`;
      if (entry.flags & 1) fail(where, 'is encrypted');
      if (entry.size > limits.maxEntryBytes) throw new LimitExceededError(`${where} is ${entry.size} bytes, over the ${limits.maxEntryBytes}-byte limit`);
      if (inflated + entry.size > limits.maxTotalBytes) throw new LimitExceededError(`${origin}: zip inflates past ${limits.maxTotalBytes} bytes`);
      if (entry.size > 1024 * 1024 && entry.size > entry.compressedSize * limits.maxRatio) throw new LimitExceededError(`${where} has a suspicious compression ratio`);
      const h = entry.localHeaderOffset;
      if (h + 30 > data.length || data.readUInt32LE(h) !== 0x04034b50) fail(where, 'local header not found (truncated?)');
      const start = h + 30 + data.readUInt16LE(h + 26) + data.readUInt16LE(h + 28);
      if (start + entry.compressedSize > data.length) fail(where, 'lies outside the file (truncated?)');
      const raw = data.subarray(start, start + entry.compressedSize);
      let out: Buffer;
      if (entry.method === 0) out = raw;
      else if (entry.method === 8) {
        try {
          out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size + 1) });
        } catch (cause) {
          throw new BadInputError(`${where} has corrupt or oversized deflate data`, { cause });
        }
      } else fail(where, `uses unsupported compression method ${entry.method}`);
      if (out.length !== entry.size) fail(where, `inflates to ${out.length} bytes, not the declared ${entry.size}`);
      if (crc32(out) !== entry.crc32) fail(where, 'fails its CRC-32 check');
      inflated += out.length;
      return out;
    },
  };
}

function zip64Sizes(extra: Buffer, size: number, compressedSize: number, offset: number, origin: string) {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (id === 1) {
      let q = p + 4;
      const next = (): number => {
        if (q + 8 > p + 4 + len || q + 8 > extra.length) fail(origin, 'zip64 extra field is truncated');
        const v = Number(extra.readBigUInt64LE(q));
        q += 8;
        return v;
      };
      if (size === 0xffffffff) size = next();
      if (compressedSize === 0xffffffff) compressedSize = next();
      if (offset === 0xffffffff) offset = next();
      return { size, compressedSize, offset };
    }
    p += 4 + len;
  }
  return fail(origin, 'zip entry needs a zip64 extra field but has none');
}

/**
 * Parser for the RPM header blobs that rpm databases store (the header
 * without the 8-byte magic that .rpm files carry): a big-endian index count
 * and data length, the index entries (tag, type, offset, count), then the
 * data store. The input is hostile: every offset, count and string is
 * checked against the data store before use, and nothing is allocated in
 * proportion to a count the blob merely claims.
 */
import { BadInputError } from '../../../domain/errors.js';

export const RPM_TYPE = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

/** rpm's own limits (hdrchkTags, hdrchkData): a header beyond them is corrupt. */
const MAX_INDEX_ENTRIES = 0xffff;
const MAX_DATA_LENGTH = 0x0fffffff;
const ENTRY_SIZE = 16;

interface IndexEntry {
  readonly type: number;
  readonly offset: number;
  readonly count: number;
}

export interface RpmHeader {
  has(tag: number): boolean;
  /** STRING, or the first of a STRING_ARRAY / I18NSTRING (the C locale). */
  string(tag: number): string | undefined;
  strings(tag: number): string[];
  /** First value of an integer tag; INT64 values beyond 2^53 are rejected. */
  integer(tag: number): number | undefined;
  integers(tag: number): number[];
  binary(tag: number): Buffer | undefined;
}

export function parseRpmHeader(blob: Buffer): RpmHeader {
  if (blob.length < 8) throw new BadInputError(`rpm header is ${blob.length} bytes, shorter than its 8-byte preamble`);
  const indexCount = blob.readUInt32BE(0);
  const dataLength = blob.readUInt32BE(4);
  if (indexCount < 1 || indexCount > MAX_INDEX_ENTRIES) throw new BadInputError(`rpm header claims ${indexCount} index entries`);
  if (dataLength > MAX_DATA_LENGTH) throw new BadInputError(`rpm header claims ${dataLength} bytes of data`);
  const dataStart = 8 + indexCount * ENTRY_SIZE;
  if (dataStart + dataLength > blob.length) {
    throw new BadInputError(`rpm header is truncated: needs ${dataStart + dataLength} bytes, has ${blob.length}`);
  }
  const data = blob.subarray(dataStart, dataStart + dataLength);

  // Later entries win: rpm appends "dribble" entries after the immutable region.
  const entries = new Map<number, IndexEntry>();
  for (let i = 0; i < indexCount; i++) {
    const at = 8 + i * ENTRY_SIZE;
    const tag = blob.readUInt32BE(at);
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readUInt32BE(at + 8);
    const count = blob.readUInt32BE(at + 12);
    if (type > RPM_TYPE.I18NSTRING) throw new BadInputError(`rpm header tag ${tag} has unknown type ${type}`);
    if (offset > dataLength) throw new BadInputError(`rpm header tag ${tag} points past the data store`);
    if (count === 0 || count > dataLength) throw new BadInputError(`rpm header tag ${tag} has an impossible count ${count}`);
    entries.set(tag, { type, offset, count });
  }

  const stringsAt = (entry: IndexEntry, limit: number): string[] => {
    const out: string[] = [];
    let at = entry.offset;
    const wanted = Math.min(entry.count, limit);
    for (let i = 0; i < wanted; i++) {
      const end = data.indexOf(0, at);
      if (end < 0) throw new BadInputError('rpm header string is not NUL-terminated inside the data store');
      out.push(data.toString('utf8', at, end));
      at = end + 1;
    }
    return out;
  };

  const integerReader = (tag: number, entry: IndexEntry): ((index: number) => number) | undefined => {
    const size = { [RPM_TYPE.CHAR]: 1, [RPM_TYPE.INT8]: 1, [RPM_TYPE.INT16]: 2, [RPM_TYPE.INT32]: 4, [RPM_TYPE.INT64]: 8 }[entry.type];
    if (size === undefined) return undefined;
    if (entry.offset % size !== 0) throw new BadInputError(`rpm header tag ${tag} is misaligned`);
    if (entry.offset + size * entry.count > dataLength) throw new BadInputError(`rpm header tag ${tag} runs past the data store`);
    return (index) => {
      const at = entry.offset + index * size;
      if (size === 1) return data.readUInt8(at);
      if (size === 2) return data.readUInt16BE(at);
      if (size === 4) return data.readUInt32BE(at);
      const value = data.readBigUInt64BE(at);
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new BadInputError(`rpm header tag ${tag} overflows`);
      return Number(value);
    };
  };

  const integersOf = (tag: number): { entry: IndexEntry; read: (index: number) => number } | undefined => {
    const entry = entries.get(tag);
    if (entry === undefined) return undefined;
    const read = integerReader(tag, entry);
    if (read === undefined) throw new BadInputError(`rpm header tag ${tag} is not an integer`);
    return { entry, read };
  };

  return {
    has: (tag) => entries.has(tag),
    string(tag) {
      const entry = entries.get(tag);
      if (entry === undefined) return undefined;
      if (entry.type !== RPM_TYPE.STRING && entry.type !== RPM_TYPE.STRING_ARRAY && entry.type !== RPM_TYPE.I18NSTRING) {
        throw new BadInputError(`rpm header tag ${tag} is not a string`);
      }
      return stringsAt(entry, 1)[0];
    },
    strings(tag) {
      const entry = entries.get(tag);
      if (entry === undefined) return [];
      if (entry.type === RPM_TYPE.STRING) return stringsAt(entry, 1);
      if (entry.type !== RPM_TYPE.STRING_ARRAY && entry.type !== RPM_TYPE.I18NSTRING) {
        throw new BadInputError(`rpm header tag ${tag} is not a string array`);
      }
      return stringsAt(entry, entry.count);
    },
    integer(tag) {
      return integersOf(tag)?.read(0);
    },
    integers(tag) {
      const found = integersOf(tag);
      if (found === undefined) return [];
      return Array.from({ length: found.entry.count }, (_, i) => found.read(i));
    },
    binary(tag) {
      const entry = entries.get(tag);
      if (entry === undefined) return undefined;
      if (entry.type !== RPM_TYPE.BIN) throw new BadInputError(`rpm header tag ${tag} is not binary`);
      if (entry.offset + entry.count > dataLength) throw new BadInputError(`rpm header tag ${tag} runs past the data store`);
      return Buffer.from(data.subarray(entry.offset, entry.offset + entry.count));
    },
  };
}

/**
 * Header blobs from a Berkeley DB hash database (the `Packages` file of
 * rpm < 4.16: RHEL/CentOS ≤ 8, Amazon Linux 2, SLES < 15 SP3). We walk the
 * pages ourselves: every hash page lists key/value item offsets; package
 * headers are values stored off-page (H_OFFPAGE) as a chain of overflow
 * pages, or, when small, inline (H_KEYDATA). Byte order is the writer's
 * host order, recognised by the metadata page's magic.
 */
import { BadInputError } from '../../../domain/errors.js';

const HASH_MAGIC = 0x061561;
const PAGE_HEADER_SIZE = 26;
const PAGE_TYPE_HASH_UNSORTED = 2;
const PAGE_TYPE_OVERFLOW = 7;
const PAGE_TYPE_HASH_META = 8;
const PAGE_TYPE_HASH = 13;
const ITEM_KEYDATA = 1;
const ITEM_OFFPAGE = 3;
const OFFPAGE_ITEM_SIZE = 12;
const VALID_PAGE_SIZES: ReadonlySet<number> = new Set([512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]);

export interface BdbReadResult {
  readonly blobs: Buffer[];
  readonly problems: string[];
}

interface Reader {
  u16(at: number): number;
  u32(at: number): number;
}

export function readBdbRpmdb(file: Buffer): BdbReadResult {
  if (file.length < 512) throw new BadInputError('file is too small to be a Berkeley DB database');
  const swapped = file.readUInt32LE(12) !== HASH_MAGIC;
  if (swapped && file.readUInt32BE(12) !== HASH_MAGIC) throw new BadInputError('not a Berkeley DB hash database');
  const r: Reader = swapped
    ? { u16: (at) => file.readUInt16BE(at), u32: (at) => file.readUInt32BE(at) }
    : { u16: (at) => file.readUInt16LE(at), u32: (at) => file.readUInt32LE(at) };
  const pageSize = r.u32(20);
  if (!VALID_PAGE_SIZES.has(pageSize)) throw new BadInputError(`Berkeley DB page size ${pageSize} is invalid`);
  if (file[24] !== 0) throw new BadInputError('encrypted Berkeley DB databases are not supported');
  if (file[25] !== PAGE_TYPE_HASH_META) throw new BadInputError('Berkeley DB metadata page is not a hash metadata page');
  // Trust the file length over the claimed last page: a lie cannot make us read further.
  const pageCount = Math.min(r.u32(32) + 1, Math.floor(file.length / pageSize));

  const blobs: Buffer[] = [];
  const problems: string[] = [];
  // Each overflow page belongs to one value; refusing to reuse one keeps a
  // hostile file from making us copy the same long chain over and over.
  const claimed = new Set<number>();
  for (let page = 1; page < pageCount; page++) {
    const base = page * pageSize;
    const type = file[base + 25];
    if (type !== PAGE_TYPE_HASH && type !== PAGE_TYPE_HASH_UNSORTED) continue;
    const entries = r.u16(base + 20);
    if (PAGE_HEADER_SIZE + entries * 2 > pageSize) {
      problems.push(`hash page ${page} claims ${entries} entries`);
      continue;
    }
    // Items come in key/value pairs; the value is the odd one.
    for (let item = 1; item < entries; item += 2) {
      const offset = r.u16(base + PAGE_HEADER_SIZE + item * 2);
      if (offset < PAGE_HEADER_SIZE || offset >= pageSize) {
        problems.push(`hash page ${page} has an item outside the page`);
        continue;
      }
      const itemType = file[base + offset];
      if (itemType === ITEM_OFFPAGE) {
        if (offset + OFFPAGE_ITEM_SIZE > pageSize) {
          problems.push(`hash page ${page} has a truncated off-page item`);
          continue;
        }
        const value = readOverflowChain(file, r, pageSize, pageCount, claimed, r.u32(base + offset + 4), r.u32(base + offset + 8));
        if (typeof value === 'string') problems.push(value);
        else blobs.push(value);
      } else if (itemType === ITEM_KEYDATA) {
        // An inline value ends where the previous item (stored below it) begins.
        const end = r.u16(base + PAGE_HEADER_SIZE + (item - 1) * 2);
        if (end <= offset + 1 || end > pageSize) continue;
        const value = file.subarray(base + offset + 1, base + end);
        // rpm's record 0 holds a 4-byte counter, not a header.
        if (value.length > 8) blobs.push(Buffer.from(value));
      }
    }
  }
  return { blobs, problems };
}

function readOverflowChain(
  file: Buffer,
  r: Reader,
  pageSize: number,
  pageCount: number,
  claimed: Set<number>,
  first: number,
  totalLength: number,
): Buffer | string {
  const maxPayload = pageSize - PAGE_HEADER_SIZE;
  // Walk (and claim) the chain before allocating, so a lying length costs nothing.
  const pages: { base: number; used: number }[] = [];
  let filled = 0;
  for (let page = first; page !== 0; ) {
    if (page >= pageCount || claimed.has(page)) return `overflow chain at page ${page} is broken, loops or is shared`;
    claimed.add(page);
    const base = page * pageSize;
    if (file[base + 25] !== PAGE_TYPE_OVERFLOW) return `page ${page} in an overflow chain is not an overflow page`;
    // On overflow pages the "high free offset" field holds the bytes used.
    const used = r.u16(base + 22);
    if (used > maxPayload || filled + used > totalLength) return `overflow page ${page} holds more than its value`;
    pages.push({ base, used });
    filled += used;
    page = r.u32(base + 16);
  }
  if (filled !== totalLength) return `overflow value is ${filled} bytes, expected ${totalLength}`;
  const out = Buffer.alloc(totalLength);
  let at = 0;
  for (const { base, used } of pages) at += file.copy(out, at, base + PAGE_HEADER_SIZE, base + PAGE_HEADER_SIZE + used);
  return out;
}

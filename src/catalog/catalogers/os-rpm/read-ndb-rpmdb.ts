/**
 * Header blobs from an rpm NDB database (Packages.db, SUSE's default since
 * 2021): a 32-byte 'RpmP' header, slot pages of 16-byte 'Slot' records
 * (package index, block offset, block count), and blobs made of 16-byte
 * blocks, each framed by a 'BlbS' head and an adler32 + length + 'BlbE' tail.
 * All integers are little-endian. Damaged blobs are reported and skipped.
 */
import { BadInputError } from '../../../domain/errors.js';

const DB_MAGIC = 0x506d7052; // 'RpmP'
const SLOT_MAGIC = 0x746f6c53; // 'Slot'
const BLOB_HEAD_MAGIC = 0x53626c42; // 'BlbS'
const BLOB_TAIL_MAGIC = 0x45626c42; // 'BlbE'
const PAGE_SIZE = 4096;
const SLOT_SIZE = 16;
const BLOCK_SIZE = 16;
const HEADER_SIZE = 32;
const BLOB_HEAD_SIZE = 16;
const BLOB_TAIL_SIZE = 12;

export interface NdbReadResult {
  readonly blobs: Buffer[];
  readonly problems: string[];
}

export function readNdbRpmdb(file: Buffer): NdbReadResult {
  if (file.length < HEADER_SIZE || file.readUInt32LE(0) !== DB_MAGIC) throw new BadInputError('not an rpm NDB database');
  const version = file.readUInt32LE(4);
  if (version !== 0) throw new BadInputError(`unsupported rpm NDB version ${version}`);
  const slotPages = file.readUInt32LE(12);
  if (slotPages === 0 || slotPages * PAGE_SIZE > file.length) {
    throw new BadInputError(`rpm NDB claims ${slotPages} slot pages in a ${file.length}-byte file`);
  }
  const fileBlocks = Math.floor(file.length / BLOCK_SIZE);
  const firstDataBlock = (slotPages * PAGE_SIZE) / BLOCK_SIZE;
  const blobs: Buffer[] = [];
  const problems: string[] = [];
  // Blobs never overlap, so together they cannot span more blocks than the file
  // holds; past that, slots are pointing at the same bytes again and again.
  let blocksRead = 0;
  // The first two slots' worth of page 0 hold the database header.
  for (let at = HEADER_SIZE; at < slotPages * PAGE_SIZE; at += SLOT_SIZE) {
    if (file.readUInt32LE(at) !== SLOT_MAGIC) throw new BadInputError(`rpm NDB slot at byte ${at} has a bad magic`);
    const pkgIndex = file.readUInt32LE(at + 4);
    const blockOffset = file.readUInt32LE(at + 8);
    const blockCount = file.readUInt32LE(at + 12);
    if (blockOffset === 0) continue; // free slot
    if (pkgIndex === 0 || blockCount === 0 || blockOffset < firstDataBlock || blockOffset + blockCount > fileBlocks) {
      problems.push(`slot for package ${pkgIndex} points outside the data area`);
      continue;
    }
    blocksRead += blockCount;
    if (blocksRead > fileBlocks) throw new BadInputError('rpm NDB slots claim more blocks than the file holds');
    const blob = readBlob(file, pkgIndex, blockOffset, blockCount);
    if (typeof blob === 'string') problems.push(blob);
    else blobs.push(blob);
  }
  return { blobs, problems };
}

function readBlob(file: Buffer, pkgIndex: number, blockOffset: number, blockCount: number): Buffer | string {
  const start = blockOffset * BLOCK_SIZE;
  const end = start + blockCount * BLOCK_SIZE;
  if (file.readUInt32LE(start) !== BLOB_HEAD_MAGIC) return `blob of package ${pkgIndex} has a bad head magic`;
  if (file.readUInt32LE(start + 4) !== pkgIndex) return `blob of package ${pkgIndex} belongs to another package`;
  const length = file.readUInt32LE(start + 12);
  if (Math.ceil((BLOB_HEAD_SIZE + length + BLOB_TAIL_SIZE) / BLOCK_SIZE) !== blockCount) {
    return `blob of package ${pkgIndex} does not fill its ${blockCount} blocks`;
  }
  const tail = end - BLOB_TAIL_SIZE;
  if (file.readUInt32LE(tail + 8) !== BLOB_TAIL_MAGIC || file.readUInt32LE(tail + 4) !== length) {
    return `blob of package ${pkgIndex} has a bad tail`;
  }
  if (adler32(file.subarray(start, tail)) !== file.readUInt32LE(tail)) return `blob of package ${pkgIndex} fails its adler32 check`;
  return file.subarray(start + BLOB_HEAD_SIZE, start + BLOB_HEAD_SIZE + length);
}

/** RFC 1950 adler32, as NDB computes it over the head, the blob and the padding. */
function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    const stop = Math.min(bytes.length, i + 5552);
    for (; i < stop; i++) {
      a += bytes[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

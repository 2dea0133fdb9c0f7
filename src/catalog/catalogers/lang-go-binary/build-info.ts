/**
 * Finds and decodes the build information the Go linker embeds in every
 * module-aware binary (Go 1.13+): the toolchain version and the modinfo text.
 * Follows the layout read by Go's debug/buildinfo: a 32-byte header starting
 * "\xff Go buildinf:", then either two varint-prefixed strings (flag bit 2,
 * Go 1.18+) or two pointers to Go string headers in the data segment (older).
 */
import { ImageFormatError } from '../../../domain/errors.js';
import { findSection, PF_W, PF_X, PT_LOAD, readVirtual, sectionData } from '../../elf/elf-file.js';
import type { ElfFile } from '../../elf/elf-file.js';

export interface GoBuildInfo {
  /** As the runtime reports it: 'go1.22.3', 'go1.21rc2', 'go1.20.1 X:boringcrypto'. */
  readonly goVersion: string;
  /** The modinfo text, sentinels removed; empty for a binary built outside a module. */
  readonly modInfo: string;
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
/** Go itself searches only this much of the data segment. */
const SEARCH_BYTES = 64 * 1024;
/** Longest version or modinfo string accepted; real ones are a few KB. */
const MAX_STRING = 1 << 20;

/** Returns undefined when the binary carries no Go build info (not a Go program). */
export function readGoBuildInfo(data: Buffer, elf: ElfFile): GoBuildInfo | undefined {
  const header = findHeader(data, elf);
  if (!header) return undefined;
  const ptrSize = header[14];
  const flags = header[15] ?? 0;
  let version: Buffer;
  let mod: Buffer;
  if (flags & 2) {
    const [v, rest] = varintBytes(header.subarray(HEADER_SIZE));
    version = v;
    mod = varintBytes(rest)[0];
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) throw new ImageFormatError(`Go build info has an invalid pointer size ${String(ptrSize)}`);
    const bigEndian = (flags & 1) !== 0;
    const readPtr = (b: Buffer, at: number): bigint =>
      ptrSize === 8 ? (bigEndian ? b.readBigUInt64BE(at) : b.readBigUInt64LE(at)) : BigInt(bigEndian ? b.readUInt32BE(at) : b.readUInt32LE(at));
    const readGoString = (addr: bigint): Buffer => {
      const hdr = readVirtual(data, elf, addr, 2 * ptrSize);
      if (!hdr) throw new ImageFormatError('Go build info points outside the binary');
      const len = readPtr(hdr, ptrSize);
      if (len > BigInt(MAX_STRING)) throw new ImageFormatError('Go build info string is implausibly long');
      const bytes = readVirtual(data, elf, readPtr(hdr, 0), Number(len));
      if (!bytes) throw new ImageFormatError('Go build info string lies outside the binary');
      return bytes;
    };
    version = readGoString(readPtr(header, 16));
    mod = readGoString(readPtr(header, 16 + ptrSize));
  }
  return { goVersion: version.toString('utf8'), modInfo: stripSentinels(mod).toString('utf8') };
}

function findHeader(data: Buffer, elf: ElfFile): Buffer | undefined {
  const section = findSection(elf, '.go.buildinfo');
  let region: Buffer | undefined;
  if (section) {
    region = sectionData(data, section, Number.MAX_SAFE_INTEGER).subarray(0, SEARCH_BYTES);
  } else {
    const seg = elf.segments.find((s) => s.type === PT_LOAD && (s.flags & (PF_X | PF_W)) === PF_W);
    if (!seg) return undefined;
    const end = Math.min(data.length, seg.offset + Math.min(seg.fileSize, SEARCH_BYTES));
    if (seg.offset >= end) return undefined;
    region = data.subarray(seg.offset, end);
  }
  for (let from = 0; ; ) {
    const i = region.indexOf(MAGIC, from);
    if (i < 0 || region.length - i < HEADER_SIZE) return undefined;
    if (i % ALIGN === 0) {
      // Inline strings may run past the section's search window; hand back the rest of the file.
      const start = region.byteOffset - data.byteOffset + i;
      return data.subarray(start);
    }
    from = i + 1;
  }
}

function varintBytes(buf: Buffer): [Buffer, Buffer] {
  let len = 0;
  let shift = 0;
  let i = 0;
  for (; ; i++) {
    if (i >= buf.length || i >= 10) throw new ImageFormatError('Go build info has a truncated length');
    const b = buf[i] ?? 0;
    len += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) break;
  }
  i++;
  if (len > MAX_STRING || i + len > buf.length) throw new ImageFormatError('Go build info string runs past the end of the file');
  return [buf.subarray(i, i + len), buf.subarray(i + len)];
}

/** The linker wraps modinfo in two 16-byte sentinels; Go drops it when they are missing. */
function stripSentinels(mod: Buffer): Buffer {
  if (mod.length >= 33 && mod[mod.length - 17] === 0x0a) return mod.subarray(16, mod.length - 16);
  return Buffer.alloc(0);
}

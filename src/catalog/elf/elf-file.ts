/**
 * A bounded ELF reader for catalogers that look inside executables (Go build
 * info, cargo-auditable dependency lists, runtime version strings). It reads
 * only headers and the few sections asked for; every offset and size from the
 * file is checked against the buffer before use, so a truncated or hostile
 * binary yields an ImageFormatError, never an out-of-range read.
 */
import { ImageFormatError } from '../../domain/errors.js';

export interface ElfSection {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: bigint;
  readonly offset: number;
  readonly size: number;
}

export interface ElfSegment {
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: bigint;
  readonly fileSize: number;
  readonly memSize: number;
}

export interface ElfFile {
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  readonly machine: number;
  readonly sections: readonly ElfSection[];
  readonly segments: readonly ElfSegment[];
}

export const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
const SHT_NOBITS = 8;
/** Real binaries have a few dozen; more means a forged header. */
const MAX_SECTIONS = 4096;
const MAX_SEGMENTS = 1024;

export function isElf(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
}

export function parseElf(data: Buffer): ElfFile {
  if (!isElf(data)) throw new ImageFormatError('not an ELF file');
  if (data.length < 52) throw new ImageFormatError('ELF header is truncated');
  const cls = data[4];
  const enc = data[5];
  if (cls !== 1 && cls !== 2) throw new ImageFormatError(`unknown ELF class ${String(cls)}`);
  if (enc !== 1 && enc !== 2) throw new ImageFormatError(`unknown ELF data encoding ${String(enc)}`);
  const bits = cls === 1 ? 32 : 64;
  const le = enc === 1;
  if (bits === 64 && data.length < 64) throw new ImageFormatError('ELF header is truncated');
  const r = reader(data, le);
  const machine = r.u16(18);
  const phoff = bits === 64 ? r.off64(32) : r.u32(28);
  const shoff = bits === 64 ? r.off64(40) : r.u32(32);
  const base = bits === 64 ? 54 : 42;
  const phentsize = r.u16(base);
  const phnum = r.u16(base + 2);
  const shentsize = r.u16(base + 4);
  const shnum = r.u16(base + 6);
  const shstrndx = r.u16(base + 8);

  const segments: ElfSegment[] = [];
  if (phoff !== 0 && phnum > 0) {
    if (phnum > MAX_SEGMENTS) throw new ImageFormatError(`ELF has too many program headers (${phnum})`);
    const need = bits === 64 ? 56 : 32;
    if (phentsize < need) throw new ImageFormatError('ELF program header entry is too small');
    checkTable(data, phoff, phentsize, phnum, 'program header table');
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * phentsize;
      segments.push(
        bits === 64
          ? {
              type: r.u32(o),
              flags: r.u32(o + 4),
              offset: r.off64(o + 8),
              vaddr: r.u64(o + 16),
              fileSize: r.off64(o + 32),
              memSize: r.off64(o + 40),
            }
          : {
              type: r.u32(o),
              offset: r.u32(o + 4),
              vaddr: BigInt(r.u32(o + 8)),
              fileSize: r.u32(o + 16),
              memSize: r.u32(o + 20),
              flags: r.u32(o + 24),
            },
      );
    }
  }

  for (const seg of segments) {
    if (seg.type === PT_LOAD && !sliceChecked(data, seg.offset, seg.fileSize)) {
      throw new ImageFormatError('ELF is truncated: a loadable segment ends past the end of the file');
    }
  }

  const sections: ElfSection[] = [];
  if (shoff !== 0 && shnum > 0) {
    if (shnum > MAX_SECTIONS) throw new ImageFormatError(`ELF has too many sections (${shnum})`);
    const need = bits === 64 ? 64 : 40;
    if (shentsize < need) throw new ImageFormatError('ELF section header entry is too small');
    checkTable(data, shoff, shentsize, shnum, 'section header table');
    const raw = [];
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      raw.push(
        bits === 64
          ? {
              nameOff: r.u32(o),
              type: r.u32(o + 4),
              flags: Number(r.u64(o + 8) & 0xffffffffn),
              addr: r.u64(o + 16),
              offset: r.off64(o + 24),
              size: r.off64(o + 32),
            }
          : {
              nameOff: r.u32(o),
              type: r.u32(o + 4),
              flags: r.u32(o + 8),
              addr: BigInt(r.u32(o + 12)),
              offset: r.u32(o + 16),
              size: r.u32(o + 20),
            },
      );
    }
    const strtab = raw[shstrndx];
    const names = strtab && strtab.type !== SHT_NOBITS ? sliceChecked(data, strtab.offset, strtab.size) : undefined;
    if (strtab && !names) throw new ImageFormatError('ELF section name table lies outside the file');
    for (const s of raw) {
      sections.push({
        name: names ? cString(names, s.nameOff) : '',
        type: s.type,
        flags: s.flags,
        addr: s.addr,
        offset: s.offset,
        size: s.size,
      });
    }
  }
  return { bits, littleEndian: le, machine, sections, segments };
}

/** The file bytes of a section; throws when they lie outside the file or exceed maxBytes. */
export function sectionData(data: Buffer, section: ElfSection, maxBytes: number): Buffer {
  if (section.type === SHT_NOBITS) return Buffer.alloc(0);
  if (section.size > maxBytes) {
    throw new ImageFormatError(`ELF section ${section.name} is ${section.size} bytes, over the ${maxBytes}-byte limit`);
  }
  const out = sliceChecked(data, section.offset, section.size);
  if (!out) throw new ImageFormatError(`ELF section ${section.name} lies outside the file`);
  return out;
}

export function findSection(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name);
}

/**
 * Reads `length` bytes at virtual address `addr` through the PT_LOAD segments
 * (falling back to allocated sections for binaries without program headers).
 * Returns undefined when the range is not backed by file bytes.
 */
export function readVirtual(data: Buffer, elf: ElfFile, addr: bigint, length: number): Buffer | undefined {
  if (length < 0) return undefined;
  for (const seg of elf.segments) {
    if (seg.type !== PT_LOAD) continue;
    const delta = addr - seg.vaddr;
    if (delta < 0n || delta + BigInt(length) > BigInt(seg.fileSize)) continue;
    return sliceChecked(data, seg.offset + Number(delta), length);
  }
  for (const sec of elf.sections) {
    if (sec.addr === 0n || sec.type === SHT_NOBITS) continue;
    const delta = addr - sec.addr;
    if (delta < 0n || delta + BigInt(length) > BigInt(sec.size)) continue;
    return sliceChecked(data, sec.offset + Number(delta), length);
  }
  return undefined;
}

function checkTable(data: Buffer, offset: number, entSize: number, count: number, what: string): void {
  if (offset + entSize * count > data.length) throw new ImageFormatError(`ELF ${what} lies outside the file`);
}

function sliceChecked(data: Buffer, offset: number, size: number): Buffer | undefined {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0) return undefined;
  if (offset > data.length || size > data.length - offset) return undefined;
  return data.subarray(offset, offset + size);
}

function cString(table: Buffer, offset: number): string {
  if (offset >= table.length) return '';
  const end = table.indexOf(0, offset);
  return table.toString('latin1', offset, end < 0 ? table.length : end);
}

function reader(data: Buffer, le: boolean) {
  const at = (o: number, n: number) => {
    if (o < 0 || o + n > data.length) throw new ImageFormatError('ELF header field lies outside the file');
  };
  const u64 = (o: number): bigint => {
    at(o, 8);
    return le ? data.readBigUInt64LE(o) : data.readBigUInt64BE(o);
  };
  return {
    u16: (o: number) => {
      at(o, 2);
      return le ? data.readUInt16LE(o) : data.readUInt16BE(o);
    },
    u32: (o: number) => {
      at(o, 4);
      return le ? data.readUInt32LE(o) : data.readUInt32BE(o);
    },
    u64,
    /** A 64-bit file offset or size; values past 2^53 cannot address a buffer and are clamped to an invalid one. */
    off64: (o: number): number => {
      const v = u64(o);
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
    },
  };
}

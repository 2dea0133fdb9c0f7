/**
 * Builds small ELF images for tests: any class and byte order, chosen
 * sections, one PT_LOAD segment per addressed section. Real toolchains make
 * only the host's flavour here, and no current Go makes pre-1.18 build info,
 * so tests construct those layouts with this.
 */

export interface ElfWriterSection {
  readonly name: string;
  readonly data: Buffer;
  /** Virtual address; 0 leaves the section out of every segment. */
  readonly addr?: bigint;
  readonly writable?: boolean;
  readonly executable?: boolean;
}

export interface ElfWriterOptions {
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  readonly machine?: number;
  /** Leave out the section header table, as some packers do. */
  readonly omitSectionHeaders?: boolean;
}

export function writeElf(sections: readonly ElfWriterSection[], options: ElfWriterOptions): Buffer {
  const { bits, littleEndian: le } = options;
  const ehsize = bits === 64 ? 64 : 52;
  const phentsize = bits === 64 ? 56 : 32;
  const shentsize = bits === 64 ? 64 : 40;
  const loaded = sections.filter((s) => (s.addr ?? 0n) !== 0n);
  let cursor = ehsize + phentsize * loaded.length;
  const offsets: number[] = [];
  for (const s of sections) {
    cursor = align(cursor, 16);
    offsets.push(cursor);
    cursor += s.data.length;
  }
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const nameOffsets: number[] = [];
  let strtabSize = 0;
  for (const n of names) {
    nameOffsets.push(strtabSize);
    strtabSize += Buffer.byteLength(n) + 1;
  }
  const strtabOffset = cursor;
  cursor += strtabSize;
  const shoff = options.omitSectionHeaders ? 0 : align(cursor, 8);
  const total = options.omitSectionHeaders ? cursor : shoff + shentsize * names.length;
  const out = Buffer.alloc(total);
  const w = writer(out, le, bits);

  out.set([0x7f, 0x45, 0x4c, 0x46, bits === 64 ? 2 : 1, le ? 1 : 2, 1], 0);
  w.u16(16, 2);
  w.u16(18, options.machine ?? (bits === 64 ? 62 : 3));
  w.u32(20, 1);
  w.addr(24, 0n);
  w.word(bits === 64 ? 32 : 28, loaded.length > 0 ? ehsize : 0);
  w.word(bits === 64 ? 40 : 32, shoff);
  const base = bits === 64 ? 52 : 40;
  w.u16(base, ehsize);
  w.u16(base + 2, phentsize);
  w.u16(base + 4, loaded.length);
  w.u16(base + 6, shentsize);
  w.u16(base + 8, options.omitSectionHeaders ? 0 : names.length);
  w.u16(base + 10, options.omitSectionHeaders ? 0 : names.length - 1);

  let ph = ehsize;
  sections.forEach((s, i) => {
    out.set(s.data, offsets[i]);
    const addr = s.addr ?? 0n;
    if (addr === 0n) return;
    const flags = 4 | (s.writable ? 2 : 0) | (s.executable ? 1 : 0);
    const off = offsets[i] ?? 0;
    if (bits === 64) {
      w.u32(ph, 1);
      w.u32(ph + 4, flags);
      w.word(ph + 8, off);
      w.addr(ph + 16, addr);
      w.addr(ph + 24, addr);
      w.word(ph + 32, s.data.length);
      w.word(ph + 40, s.data.length);
      w.word(ph + 48, 16);
    } else {
      w.u32(ph, 1);
      w.u32(ph + 4, off);
      w.addr(ph + 8, addr);
      w.addr(ph + 12, addr);
      w.u32(ph + 16, s.data.length);
      w.u32(ph + 20, s.data.length);
      w.u32(ph + 24, flags);
      w.u32(ph + 28, 16);
    }
    ph += phentsize;
  });

  let p = strtabOffset;
  for (const n of names) {
    out.write(n, p, 'latin1');
    p += Buffer.byteLength(n) + 1;
  }
  if (!options.omitSectionHeaders) {
    const header = (i: number, type: number, flags: number, addr: bigint, offset: number, size: number) => {
      const o = shoff + i * shentsize;
      w.u32(o, nameOffsets[i] ?? 0);
      w.u32(o + 4, type);
      if (bits === 64) {
        w.addr(o + 8, BigInt(flags));
        w.addr(o + 16, addr);
        w.word(o + 24, offset);
        w.word(o + 32, size);
      } else {
        w.u32(o + 8, flags);
        w.addr(o + 12, addr);
        w.u32(o + 16, offset);
        w.u32(o + 20, size);
      }
    };
    sections.forEach((s, i) => {
      const flags = ((s.addr ?? 0n) !== 0n ? 2 : 0) | (s.writable ? 1 : 0) | (s.executable ? 4 : 0);
      header(i + 1, 1, flags, s.addr ?? 0n, offsets[i] ?? 0, s.data.length);
    });
    header(names.length - 1, 3, 0, 0n, strtabOffset, strtabSize);
  }
  return out;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function writer(out: Buffer, le: boolean, bits: 32 | 64) {
  const u16 = (o: number, v: number) => (le ? out.writeUInt16LE(v, o) : out.writeUInt16BE(v, o));
  const u32 = (o: number, v: number) => (le ? out.writeUInt32LE(v, o) : out.writeUInt32BE(v, o));
  const u64 = (o: number, v: bigint) => (le ? out.writeBigUInt64LE(v, o) : out.writeBigUInt64BE(v, o));
  return {
    u16,
    u32,
    addr: (o: number, v: bigint) => (bits === 64 ? u64(o, v) : u32(o, Number(v))),
    word: (o: number, v: number) => (bits === 64 ? u64(o, BigInt(v)) : u32(o, v)),
  };
}

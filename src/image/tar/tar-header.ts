import { ImageFormatError } from '../../domain/errors.js';

/** One 512-byte tar header block, decoded but not yet merged with GNU/PAX extension records. */
export interface RawHeader {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly typeflag: string;
  readonly linkname: string;
  /** GNU old-style sparse: the file's real size, and whether extension blocks with more sparse map entries follow. */
  readonly gnuRealSize?: number;
  readonly gnuSparseExtended?: boolean;
}

export const BLOCK = 512;

function cString(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return block.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
}

/**
 * Numeric header fields are octal text, or (GNU/star extension for values
 * that do not fit) big-endian base-256 flagged by the high bit of the first byte.
 */
export function parseNumeric(block: Buffer, start: number, length: number, field: string): number {
  const first = block[start] ?? 0;
  if (first & 0x80) {
    if (first === 0xff) throw new ImageFormatError(`tar header field ${field} is negative`);
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) {
      value = value * 256 + (block[i] ?? 0);
      if (value > Number.MAX_SAFE_INTEGER) throw new ImageFormatError(`tar header field ${field} is too large`);
    }
    return value;
  }
  let value = 0;
  let i = start;
  const end = start + length;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  for (; i < end; i++) {
    const c = block[i] ?? 0;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) throw new ImageFormatError(`tar header field ${field} is not an octal number`);
    value = value * 8 + (c - 0x30);
  }
  return value;
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** The checksum field itself counts as eight spaces. */
const CHKSUM_START = 148;
const CHKSUM_END = 156;

/** Sum of the block's bytes, the checksum field counted as eight spaces. */
function unsignedSum(block: Buffer): number {
  let sum = 0x20 * (CHKSUM_END - CHKSUM_START);
  for (let i = CHKSUM_START; i < CHKSUM_END; i++) sum -= block[i] as number;
  if (block.byteOffset % 4 === 0) {
    // Two bytes summed per 16-bit lane, four per word: a quarter of the loop turns. A lane holds at most
    // 128 words × 255, well inside 16 bits, so no carry crosses lanes.
    const words = new Uint32Array(block.buffer, block.byteOffset, BLOCK / 4);
    let even = 0;
    let odd = 0;
    for (let i = 0; i < BLOCK / 4; i++) {
      const w = words[i] as number;
      even += w & 0x00ff00ff;
      odd += (w >>> 8) & 0x00ff00ff;
    }
    return sum + (even & 0xffff) + (even >>> 16) + (odd & 0xffff) + (odd >>> 16);
  }
  for (let i = 0; i < BLOCK; i++) sum += block[i] as number;
  return sum;
}

function checksumMatches(block: Buffer): boolean {
  const stored = parseNumeric(block, CHKSUM_START, 8, 'chksum');
  // Runs for every header of every layer: the unsigned sum first, the signed one only when that fails.
  if (stored === unsignedSum(block)) return true;
  let signed = 0x20 * (CHKSUM_END - CHKSUM_START);
  for (let i = 0; i < BLOCK; i++) {
    if (i >= CHKSUM_START && i < CHKSUM_END) continue;
    const b = block[i] as number;
    signed += b >= 0x80 ? b - 256 : b;
  }
  // Some historic tars summed signed bytes; both are accepted as GNU tar does.
  return stored === signed;
}

/** Decodes a header block; a bad checksum or malformed number means the archive is corrupt. */
export function parseHeader(block: Buffer): RawHeader {
  if (!checksumMatches(block)) throw new ImageFormatError('tar header checksum mismatch (corrupt or not a tar archive)');
  const magic = block.toString('latin1', 257, 263);
  const isGnu = magic === 'ustar ' && block.toString('latin1', 263, 265) === ' \0';
  const isUstar = magic === 'ustar\0' || magic === 'ustar ';
  let name = cString(block, 0, 100);
  if (isUstar && !isGnu) {
    const prefix = cString(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  const typeflag = String.fromCharCode(block[156] ?? 0);
  const header: RawHeader = {
    name,
    mode: parseNumeric(block, 100, 8, 'mode') & 0o7777,
    uid: parseNumeric(block, 108, 8, 'uid'),
    gid: parseNumeric(block, 116, 8, 'gid'),
    size: parseNumeric(block, 124, 12, 'size'),
    typeflag,
    linkname: cString(block, 157, 100),
  };
  if (typeflag === 'S' && isGnu) {
    return {
      ...header,
      gnuRealSize: parseNumeric(block, 483, 12, 'realsize'),
      gnuSparseExtended: block[482] !== 0,
    };
  }
  return header;
}

/** PAX extended header records: "<len> <key>=<value>\n", where len counts the whole record. */
export function parsePax(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    if (body[at] === 0) break;
    const space = body.indexOf(0x20, at);
    if (space === -1 || space - at > 20) throw new ImageFormatError('malformed PAX extended header');
    const len = Number(body.toString('latin1', at, space));
    if (!Number.isInteger(len) || len <= space - at + 1 || at + len > body.length || body[at + len - 1] !== 0x0a) {
      throw new ImageFormatError('malformed PAX extended header record');
    }
    const record = body.toString('utf8', space + 1, at + len - 1);
    const eq = record.indexOf('=');
    if (eq <= 0) throw new ImageFormatError('malformed PAX extended header record');
    out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

/**
 * A streaming tar reader written for hostile input: ustar, GNU long names
 * and links ('L'/'K'), GNU sparse headers, PAX extended ('x') and global
 * ('g') headers, base-256 numbers and checksum verification. Bodies are
 * either collected (bounded by the caller) or skipped without copying.
 */
import { ImageFormatError, LimitExceededError } from '../../domain/errors.js';
import type { FileType } from '../file-tree.js';
import type { ReadLimits } from '../limits.js';
import type { BufferedByteSource, ByteSource } from './byte-source.js';
import { BLOCK, isZeroBlock, parseHeader, parsePax } from './tar-header.js';
import type { RawHeader } from './tar-header.js';
import { normalizeArchivePath } from './tar-path.js';

export interface TarEntry {
  /** Absolute, normalized: '/etc/passwd'; the archive root itself is '/'. */
  readonly path: string;
  readonly type: FileType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Logical size: the real size of a sparse file, 0 for links and directories. */
  readonly size: number;
  /** Symlink target as written; for hard links the normalized absolute target path. */
  readonly linkTarget?: string;
  /** Sparse entries store a map plus data blocks, so their body is not the file content. */
  readonly sparse: boolean;
  /** Offset of the body in the (uncompressed) archive, and how many bytes it stores. */
  readonly dataOffset: number;
  readonly dataSize: number;
}

export interface TarMember {
  readonly entry: TarEntry;
  /** The stored body; must be called before asking for the next member, at most once. */
  body(maxBytes: number): Promise<Buffer>;
  /** Streams the stored body to `sink` piecewise (no gathering); same rules as body(). */
  pipe(sink: (piece: Buffer) => void): Promise<void>;
}

export interface TarReadOptions {
  readonly limits: Pick<ReadLimits, 'maxPathLength'>;
  warn(message: string, path?: string): void;
}

/** PAX and GNU extension bodies are metadata; anything larger is an attack, not an archive. */
const MAX_PAX_BYTES = 1024 * 1024;

const HEADER_ONLY: ReadonlySet<string> = new Set(['1', '2', '3', '4', '5', '6']);

const padding = (n: number): number => (BLOCK - (n % BLOCK)) % BLOCK;

function entryType(flag: string, name: string): FileType | undefined {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      // Pre-POSIX archives mark directories only by a trailing slash.
      return name.endsWith('/') ? 'dir' : 'file';
    case 'S':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
    case 'D':
      return 'dir';
    case '3':
    case '4':
    case '6':
      return 'other';
    case 'V':
      return undefined;
    default:
      return 'other';
  }
}

function paxNumber(pax: Map<string, string>, key: string, radix: 10 | 8 = 10): number | undefined {
  const raw = pax.get(key);
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const ok = radix === 8 ? /^[0-7]{1,20}$/.test(text) : /^\d{1,16}$/.test(text);
  // Fractional mtimes and friends are not numbers we use; an integer key that fails is corruption.
  if (!ok) throw new ImageFormatError(`PAX header ${key} is not a valid number`);
  const value = parseInt(text, radix);
  if (!Number.isSafeInteger(value)) throw new ImageFormatError(`PAX header ${key} is too large`);
  return value;
}

/**
 * A tar archive read member by member. next() answers synchronously when the
 * previous member's body can be skipped and the next header is already in
 * memory (almost always, on a buffered source), and with a promise otherwise:
 * a layer of 100k members then costs no promise, generator step or closure
 * per member. Each member's body must be read before next() is called again.
 */
export interface TarCursor {
  /** The next member, undefined at the end of the archive. */
  next(): TarMember | undefined | Promise<TarMember | undefined>;
}

/** One member: its methods read from the cursor's source, which has not moved past the body yet. */
class CursorMember implements TarMember {
  consumed = false;
  constructor(
    readonly entry: TarEntry,
    /** Bytes the archive stores for this member's body (0 for links and directories). */
    readonly stored: number,
    private readonly source: ByteSource,
  ) {}

  private claim(): void {
    if (this.consumed) throw new Error('tar member body already consumed');
    this.consumed = true;
  }

  async body(maxBytes: number): Promise<Buffer> {
    if (this.stored > maxBytes) throw new LimitExceededError(`tar member ${this.entry.path} is larger than ${maxBytes} bytes`);
    this.claim();
    const out = Buffer.allocUnsafe(this.stored);
    let at = 0;
    await this.source.forEach(this.stored, (piece) => {
      piece.copy(out, at);
      at += piece.length;
    });
    return out;
  }

  async pipe(sink: (piece: Buffer) => void): Promise<void> {
    this.claim();
    await this.source.forEach(this.stored, sink);
  }
}

export function openTar(source: ByteSource, options: TarReadOptions): TarCursor {
  const maxPath = options.limits.maxPathLength;
  const buffered = 'readBuffered' in source ? (source as BufferedByteSource) : undefined;
  let globalPax = new Map<string, string>();
  let pax: Map<string, string> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  let previous: CursorMember | undefined;
  let ended = false;

  async function extensionBody(size: number, max: number, what: string): Promise<Buffer> {
    if (size > max) throw new LimitExceededError(`tar ${what} header of ${size} bytes exceeds ${max} bytes`);
    const body = await source.read(size);
    if (body === undefined && size > 0) throw new ImageFormatError('tar archive is truncated');
    await source.skip(padding(size));
    return body ?? Buffer.alloc(0);
  }

  /** Bytes left of the previous member: its body unless read, then the padding to the next block. */
  const leftOfPrevious = (): number => (previous ? (previous.consumed ? 0 : previous.stored) + padding(previous.stored) : 0);

  /** The member a header describes, or undefined when it is refused (warned) and skipped. Consumes the pending extensions. */
  function member(header: RawHeader): CursorMember | undefined {
    const ext = pax || globalPax.size > 0 ? new Map([...globalPax, ...(pax ?? [])]) : undefined;
    pax = undefined;
    let name = header.name;
    let linkname = header.linkname;
    if (longName !== undefined) name = longName;
    if (longLink !== undefined) linkname = longLink;
    longName = undefined;
    longLink = undefined;

    let dataSize = header.size;
    let size = header.size;
    let mode = header.mode;
    let uid = header.uid;
    let gid = header.gid;
    let sparse = header.typeflag === 'S';
    if (ext) {
      name = ext.get('GNU.sparse.name') ?? ext.get('path') ?? name;
      linkname = ext.get('linkpath') ?? linkname;
      dataSize = paxNumber(ext, 'size') ?? dataSize;
      size = dataSize;
      const real = paxNumber(ext, 'GNU.sparse.realsize') ?? paxNumber(ext, 'GNU.sparse.size');
      if (real !== undefined) {
        sparse = true;
        size = real;
      }
      uid = paxNumber(ext, 'uid') ?? uid;
      gid = paxNumber(ext, 'gid') ?? gid;
      mode = (paxNumber(ext, 'mode', 8) ?? mode) & 0o7777;
    }
    if (header.gnuRealSize !== undefined) size = header.gnuRealSize;

    const type = entryType(header.typeflag, name);
    // Links, devices, FIFOs and directories carry no data blocks even when a writer filled in a size (as Go's archive/tar reads them).
    const stored = HEADER_ONLY.has(header.typeflag) ? 0 : dataSize;
    const where = normalizeArchivePath(name, options.limits);
    let refusal = type === undefined ? 'volume label' : where.ok ? undefined : where.reason;
    let linkTarget: string | undefined;
    if (refusal === undefined && (type === 'hardlink' || type === 'symlink')) {
      if (type === 'hardlink') {
        const target = normalizeArchivePath(linkname, options.limits);
        if (target.ok) linkTarget = target.path;
        else refusal = `hard link target refused: ${target.reason}`;
      } else if (linkname.includes('\0') || linkname.length > maxPath) {
        refusal = 'symlink target is over-long or contains a NUL byte';
      } else {
        linkTarget = linkname;
      }
    }
    if (refusal !== undefined || type === undefined || !where.ok) {
      if (type !== undefined) options.warn(`skipped tar entry: ${refusal}`, name.slice(0, 256).replace(/\0/g, '\\0'));
      // Skipped like a member nobody read.
      previous = new CursorMember(REFUSED, stored, source);
      return undefined;
    }
    const entry: TarEntry = {
      path: where.path,
      type,
      mode,
      uid,
      gid,
      size: type === 'file' ? size : 0,
      ...(linkTarget !== undefined ? { linkTarget } : {}),
      sparse,
      dataOffset: source.position,
      dataSize: stored,
    };
    previous = new CursorMember(entry, stored, source);
    return previous;
  }

  /** Everything next() cannot do without I/O: skipping a body, reading headers, extension records. */
  async function nextAsync(block?: Buffer): Promise<TarMember | undefined> {
    let header = block;
    while (true) {
      if (header === undefined) {
        const left = leftOfPrevious();
        previous = undefined;
        await source.skip(left);
        header = buffered?.readBuffered(BLOCK) ?? (await source.read(BLOCK));
        if (header === undefined) {
          if (pax || longName !== undefined || longLink !== undefined) throw new ImageFormatError('tar archive is truncated');
          ended = true;
          return undefined;
        }
        if (isZeroBlock(header)) {
          ended = true;
          return undefined;
        }
      }
      const raw = parseHeader(header);
      header = undefined;
      switch (raw.typeflag) {
        case 'x': {
          const body = await extensionBody(raw.size, MAX_PAX_BYTES, 'PAX');
          pax = new Map([...(pax ?? []), ...parsePax(body)]);
          continue;
        }
        case 'g': {
          const body = await extensionBody(raw.size, MAX_PAX_BYTES, 'PAX global');
          globalPax = new Map([...globalPax, ...parsePax(body)]);
          continue;
        }
        case 'L':
        case 'K': {
          // An over-long GNU name still has to be stepped over; the member it names is then refused below.
          let value: string;
          if (raw.size > maxPath + 1) {
            await source.skip(raw.size + padding(raw.size));
            value = 'x'.repeat(maxPath + 1);
          } else {
            const body = await extensionBody(raw.size, maxPath + 1, 'GNU long name');
            const nul = body.indexOf(0);
            value = body.toString('utf8', 0, nul === -1 ? body.length : nul);
          }
          if (raw.typeflag === 'L') longName = value;
          else longLink = value;
          continue;
        }
        default:
          break;
      }
      if (raw.gnuSparseExtended) {
        // Old GNU sparse maps continue in extension blocks before the data.
        let more = true;
        while (more) {
          const extBlock = await source.read(BLOCK);
          if (extBlock === undefined) throw new ImageFormatError('tar archive is truncated');
          more = extBlock[504] !== 0;
        }
      }
      const found = member(raw);
      if (found) return found;
    }
  }

  return {
    next() {
      if (ended) return undefined;
      while (buffered) {
        // The plain case without an await: the rest of the previous member and the next header are in memory.
        if (!buffered.skipBuffered(leftOfPrevious())) break;
        previous = undefined;
        const block = buffered.readBuffered(BLOCK);
        if (block === undefined) break;
        if (isZeroBlock(block)) {
          ended = true;
          return undefined;
        }
        const raw = parseHeader(block);
        if (EXTENSIONS.has(raw.typeflag) || raw.gnuSparseExtended) return nextAsync(block);
        const found = member(raw);
        if (found) return found;
      }
      return nextAsync();
    },
  };
}

/** Header types that describe the next member rather than being one. */
const EXTENSIONS: ReadonlySet<string> = new Set(['x', 'g', 'L', 'K']);

/** Stands in for a refused member, whose body is skipped like any unread one. */
const REFUSED: TarEntry = { path: '', type: 'other', mode: 0, uid: 0, gid: 0, size: 0, sparse: false, dataOffset: 0, dataSize: 0 };

/** Iterates the members of a tar archive (openTar as an async iterator); stops at the end-of-archive marker or a clean end of input. */
export async function* readTar(source: ByteSource, options: TarReadOptions): AsyncGenerator<TarMember, void, undefined> {
  const cursor = openTar(source, options);
  while (true) {
    const next = cursor.next();
    const found = next instanceof Promise ? await next : next;
    if (!found) return;
    yield found;
  }
}

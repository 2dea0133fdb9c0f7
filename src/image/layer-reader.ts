/**
 * Reads one layer blob: decompresses it, verifies its digest and diffId,
 * walks its tar members and keeps what the squash needs — every member's
 * metadata, whiteouts, opaque directories and the content of selected files.
 */
import { BulkheadError, ImageFormatError, LimitExceededError } from '../domain/errors.js';
import type { ScanWarning } from '../domain/inventory.js';
import { decompress, sniffCompression } from './decompress.js';
import type { ConcreteCompression } from './decompress.js';
import { parseDigest } from './digest.js';
import type { LayerBlob } from './image-source.js';
import { createLayerHash, type LayerHash } from './layer-hash.js';
import type { ReadLimits } from './limits.js';
import { streamByteSource } from './tar/byte-source.js';
import { openTar, type TarMember } from './tar/tar-reader.js';
import type { TarEntry } from './tar/tar-reader.js';

export interface LayerRecord {
  /** sha256 of the uncompressed tar, as computed while reading (verified against the blob's diffId when given). */
  readonly diffId: string;
  readonly index?: number;
  readonly digest?: string;
  /** Members in archive order, whiteout markers excluded. */
  readonly entries: readonly TarEntry[];
  /** Paths this layer deletes from the layers below (`.wh.NAME`). */
  readonly whiteouts: readonly string[];
  /** Directories whose lower-layer children this layer hides (`.wh..wh..opq`). */
  readonly opaqueDirs: readonly string[];
  /** Content of selected regular files (hard links share their target's buffer). */
  readonly contents: ReadonlyMap<string, Buffer>;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
}

/** Bytes of file content buffered so far across all layers of one image. */
export interface BufferBudget {
  used: number;
}

/** How many leading bytes a sniff predicate sees. */
export const SNIFF_BYTES = 16 * 1024;

export interface LayerReadOptions {
  selects(path: string): boolean;
  /** For paths not selected outright: a predicate over the file's first SNIFF_BYTES deciding whether to keep it. */
  sniff?(path: string): ((head: Buffer) => boolean) | undefined;
  readonly limits: ReadLimits;
  readonly budget: BufferBudget;
  warn(warning: ScanWarning): void;
  /** Called with each chunk's size as delivered, for progress. */
  onBytes?(n: number): void;
  /** Transient content inspection (see InspectHook). */
  inspect?: InspectHook;
  /** Shrinks a selected file's content before it is kept (Cataloger.reduce); inspectors see the original. */
  reduce?(path: string, content: Buffer): Buffer;
}

/**
 * The layer a file being inspected comes from. `diffId` is filled in once the
 * layer has been read (streaming sources do not know it up front), so an
 * inspector keeps the object and reads `diffId` after the image is read.
 */
export interface InspectedLayer {
  readonly index?: number;
  diffId?: string;
}

/**
 * Asked for every regular, non-sparse member of every layer — including files
 * a later layer deletes or replaces. Returning a callback makes the reader
 * buffer that body (when within maxFileBytes), call it once and drop the
 * buffer: inspected content never enters the FileTree and does not count
 * against maxBufferedBytes. Binary bodies (a NUL byte in the first 8 KiB) are
 * not buffered and the callback is not called, unless a cataloger keeps the
 * file anyway. Must be cheap: it runs for every file.
 */
export type InspectHook = (entry: TarEntry, layer: InspectedLayer) => ((content: Buffer) => void) | undefined;

/** Inspectors see text only: no NUL byte in the first 8 KiB. */
const TEXT_SNIFF_BYTES = 8 * 1024;
const isText = (head: Buffer): boolean => !head.subarray(0, TEXT_SNIFF_BYTES).includes(0);

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

function layerName(blob: LayerBlob): string {
  const id = blob.diffId ?? blob.digest;
  const at = blob.index !== undefined ? `layer ${blob.index}` : 'layer';
  return id ? `${at} (${id})` : at;
}

/** Reads a member's head, asks `keep`, then buffers the rest or lets it stream past. */
async function sniffBody(member: TarMember, size: number, keep: (head: Buffer) => boolean): Promise<Buffer | undefined> {
  const headLength = Math.min(SNIFF_BYTES, size);
  const head = Buffer.allocUnsafe(headLength);
  let whole: Buffer | undefined;
  let at = 0;
  let verdict: boolean | undefined = headLength === 0 ? keep(head) : undefined;
  if (verdict) whole = Buffer.alloc(0);
  await member.pipe((piece) => {
    if (verdict === false) return;
    if (verdict === undefined) {
      const take = Math.min(piece.length, headLength - at);
      piece.copy(head, at, 0, take);
      at += take;
      if (at < headLength) return;
      verdict = keep(head);
      if (!verdict) return;
      whole = Buffer.allocUnsafe(size);
      head.copy(whole, 0);
      piece.copy(whole, at, take);
      at += piece.length - take;
      return;
    }
    piece.copy(whole as Buffer, at);
    at += piece.length;
  });
  return verdict ? whole : undefined;
}

async function* tap(input: AsyncIterable<Buffer>, each: (chunk: Buffer) => Promise<void> | undefined): AsyncIterable<Buffer> {
  for await (const chunk of input) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    const waiting = each(buf);
    if (waiting) await waiting;
    yield buf;
  }
}

/** Peeks at the first bytes to pick the decompressor without losing them. */
async function detect(input: AsyncIterable<Buffer>): Promise<{ compression: ConcreteCompression; stream: AsyncIterable<Buffer> }> {
  const it = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < 4) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    length += next.value.length;
  }
  const compression = sniffCompression(Buffer.concat(head));
  async function* rest(): AsyncIterable<Buffer> {
    yield* head;
    if (done) return;
    while (true) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { compression, stream: rest() };
}

export async function readLayer(blob: LayerBlob, options: LayerReadOptions): Promise<LayerRecord> {
  const { limits, budget } = options;
  const name = layerName(blob);
  // Held until the diffId is known, so every warning names its layer even when the source did not.
  const pendingWarnings: Array<{ message: string; path?: string }> = [];
  const warn = (message: string, path?: string): void => {
    pendingWarnings.push(path !== undefined ? { message, path } : { message });
  };

  const expectedDigest = blob.digest !== undefined ? parseDigest(blob.digest) : undefined;
  const expectedDiffId = blob.diffId !== undefined ? parseDigest(blob.diffId) : undefined;

  const entries: TarEntry[] = [];
  const whiteouts: string[] = [];
  const opaqueDirs: string[] = [];
  const contents = new Map<string, Buffer>();
  const inspectedLayer: InspectedLayer = {
    ...(blob.index !== undefined ? { index: blob.index } : {}),
    ...(blob.diffId !== undefined ? { diffId: blob.diffId } : {}),
  };
  const inspectWith = (inspector: (content: Buffer) => void, content: Buffer, path: string): void => {
    try {
      inspector(content);
    } catch (error) {
      warn(`content inspection failed: ${(error as Error)?.message ?? String(error)}`, path);
    }
  };
  let compressedBytes = 0;
  let uncompressedBytes = 0;
  let deliveredHash: LayerHash | undefined;
  let compression: ConcreteCompression;

  // Recycled buffers when the source offers them: everything below copies what it keeps (file bodies) or
  // parses it before moving on (headers), as file-chunks.ts requires.
  const pooled = blob.openChunks?.();
  const delivered = pooled ? undefined : await blob.open();
  // The uncompressed tar is at least as large as the blob: the delivered size is a fair hint for both hashes.
  const diffHash = createLayerHash('sha256', blob.size);
  try {
    let stream: AsyncIterable<Buffer> = pooled ?? (delivered as AsyncIterable<Buffer>);
    if (blob.compression === 'detect') {
      const sniffed = await detect(stream);
      compression = sniffed.compression;
      stream = sniffed.stream;
    } else {
      compression = blob.compression;
    }
    // An uncompressed blob's digest is its diffId: hash once when the algorithms agree.
    if (expectedDigest && !(compression === 'none' && expectedDigest.algorithm === 'sha256')) {
      deliveredHash = createLayerHash(expectedDigest.algorithm, blob.size);
    }
    const raw = tap(stream, (chunk) => {
      compressedBytes += chunk.length;
      options.onBytes?.(chunk.length);
      return deliveredHash?.update(chunk);
    });
    const plain = tap(decompress(raw, compression), (chunk) => {
      uncompressedBytes += chunk.length;
      if (uncompressedBytes > limits.maxLayerBytes) {
        throw new LimitExceededError(`${name} expands beyond ${limits.maxLayerBytes} bytes (maxLayerBytes); refusing a possible decompression bomb`);
      }
      return diffHash.update(chunk);
    });
    const source = streamByteSource(plain);
    const cursor = openTar(source, { limits, warn });
    while (true) {
      const next = cursor.next();
      const member = next instanceof Promise ? await next : next;
      if (!member) break;
      const entry = member.entry;
      if (entries.length + whiteouts.length + opaqueDirs.length >= limits.maxEntriesPerLayer) {
        throw new LimitExceededError(`${name} has more than ${limits.maxEntriesPerLayer} entries (maxEntriesPerLayer)`);
      }
      const slash = entry.path.lastIndexOf('/');
      if (entry.path.startsWith(WHITEOUT, slash + 1)) {
        const base = entry.path.slice(slash + 1);
        const dir = slash === 0 ? '/' : entry.path.slice(0, slash);
        if (base === OPAQUE) opaqueDirs.push(dir);
        else if (!base.startsWith(WHITEOUT + WHITEOUT)) {
          // Other `.wh..wh.*` names are aufs bookkeeping, not deletions.
          whiteouts.push((dir === '/' ? '' : dir) + '/' + base.slice(WHITEOUT.length));
        }
        continue;
      }
      entries.push(entry);
      if (entry.type === 'hardlink') {
        const shared = contents.get(entry.linkTarget ?? '');
        if (shared) contents.set(entry.path, shared);
        else if (options.selects(entry.path)) warn('hard link target content was not kept (target not selected)', entry.path);
        continue;
      }
      if (entry.type !== 'file') continue;
      const inspector = !entry.sparse && entry.size <= limits.maxFileBytes ? options.inspect?.(entry, inspectedLayer) : undefined;
      // Asked once per file: selects() is the union of every cataloger's predicate and runs for 100k+ paths.
      const selected = options.selects(entry.path);
      const keep = selected ? undefined : options.sniff?.(entry.path);
      if (!keep && !selected) {
        if (inspector) {
          // Text only: a NUL byte in the head marks a binary, whose body then streams past unbuffered.
          const content = await sniffBody(member, entry.size, isText);
          if (content) inspectWith(inspector, content, entry.path);
        }
        continue;
      }
      if (keep && inspector) {
        // Both want it: read it once, whole, and let the sniffer judge its head.
        const content = await member.body(entry.size);
        inspectWith(inspector, content, entry.path);
        if (budget.used + entry.size <= limits.maxBufferedBytes && keep(content.subarray(0, SNIFF_BYTES))) {
          budget.used += content.length - (contents.get(entry.path)?.length ?? 0);
          contents.set(entry.path, content);
        }
        continue;
      }
      if (keep) {
        // Sniffed files stay quiet when skipped: most of them are not what the sniffer wants.
        if (entry.sparse || entry.size > limits.maxFileBytes || budget.used + entry.size > limits.maxBufferedBytes) continue;
        const content = await sniffBody(member, entry.size, keep);
        if (content) {
          budget.used += content.length - (contents.get(entry.path)?.length ?? 0);
          contents.set(entry.path, content);
        }
        continue;
      }
      if (entry.sparse) {
        warn('sparse file content is not read', entry.path);
      } else if (entry.size > limits.maxFileBytes) {
        warn(`file of ${entry.size} bytes exceeds maxFileBytes (${limits.maxFileBytes}); content not read`, entry.path);
      } else if (budget.used + entry.size > limits.maxBufferedBytes) {
        warn(`buffered content would exceed maxBufferedBytes (${limits.maxBufferedBytes}); content not read`, entry.path);
        if (inspector) inspectWith(inspector, await member.body(entry.size), entry.path);
      } else {
        const body = await member.body(entry.size);
        if (inspector) inspectWith(inspector, body, entry.path);
        const content = options.reduce ? options.reduce(entry.path, body) : body;
        budget.used += content.length;
        // A later member with the same path replaces an earlier one; give its budget back.
        const previous = contents.get(entry.path);
        if (previous) budget.used -= previous.length;
        contents.set(entry.path, content);
      }
    }
    await source.drain();
  } catch (error) {
    diffHash.dispose();
    deliveredHash?.dispose();
    if (error instanceof BulkheadError) throw error;
    throw new ImageFormatError(`${name}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  } finally {
    if (delivered && !delivered.destroyed) delivered.destroy();
    await pooled?.close();
  }

  const [diffHex, deliveredHex] = await Promise.all([diffHash.digest(), deliveredHash?.digest()]);
  const diffId = `sha256:${diffHex}`;
  inspectedLayer.diffId = diffId;
  if (expectedDigest) {
    const actual = deliveredHex !== undefined ? `${expectedDigest.algorithm}:${deliveredHex}` : diffId;
    if (actual !== blob.digest) {
      throw new ImageFormatError(`${name}: blob digest mismatch: expected ${blob.digest}, got ${actual}`);
    }
  }
  if (expectedDiffId && diffId !== blob.diffId) {
    throw new ImageFormatError(`${name}: diffId mismatch: expected ${blob.diffId}, got ${diffId}`);
  }
  for (const w of pendingWarnings) options.warn({ ...w, layer: diffId, source: 'image' });
  return {
    diffId,
    ...(blob.index !== undefined ? { index: blob.index } : {}),
    ...(blob.digest !== undefined ? { digest: blob.digest } : {}),
    entries,
    whiteouts,
    opaqueDirs,
    contents,
    compressedBytes,
    uncompressedBytes,
  };
}

/**
 * Walks a `docker save` stream once, front to back, without a temporary
 * copy: layer members are handed out as LayerBlobs while the outer tar is
 * being read (under backpressure, so a slow consumer never makes us buffer a
 * layer), small JSON members (config, manifests) are kept for the metadata.
 *
 * Both save layouts are understood: the legacy one (`<id>/layer.tar`,
 * `<config-hex>.json`, `manifest.json`) and Docker 25+'s OCI one
 * (`blobs/sha256/<hex>`, `index.json`), in any member order.
 */
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { sniffCompression } from '../decompress.js';
import type { LayerBlob } from '../image-source.js';
import type { ReadLimits } from '../limits.js';
import { streamByteSource } from '../tar/byte-source.js';
import { readTar } from '../tar/tar-reader.js';
import type { TarMember } from '../tar/tar-reader.js';

export interface SaveWalkInput {
  /** Digest of the image config (`docker image inspect` Id with the classic store). */
  readonly imageId: string;
  /** rootfs diffIds from the inspect answer, base first. */
  readonly diffIds: readonly string[];
  readonly limits: ReadLimits;
  warn(message: string, path?: string): void;
}

/** What the walk keeps besides layers: JSON documents by digest, plus manifest.json. */
export interface SaveDocuments {
  /** `sha256:<hex>` → bytes, for small JSON members (configs, manifests, indexes). */
  readonly byDigest: Map<string, Buffer>;
  manifestJson?: Buffer;
  /** Layers handed out, by member path (for messages). */
  readonly layerPaths: string[];
}

/** Members this size or smaller are sniffed as possible JSON documents. */
const SNIFF_BYTES = 512;
/** JSON documents kept across the walk: a save holds one config and a few manifests, not thousands. */
const MAX_DOCUMENTS = 64;

const LEGACY_LAYER = /^\/([a-f0-9]{64})\/layer\.tar$/;
const LEGACY_CONFIG = /^\/([a-f0-9]{64})\.json$/;
const OCI_BLOB = /^\/blobs\/sha256\/([a-f0-9]{64})$/;

type Role = { readonly kind: 'layer'; readonly diffId?: string; readonly digest?: string } | { readonly kind: 'document'; readonly digest?: string } | { readonly kind: 'sniff'; readonly digest: string } | { readonly kind: 'skip' };

function roleOf(path: string, input: SaveWalkInput, diffIds: ReadonlySet<string>): Role {
  if (path === '/manifest.json') return { kind: 'document' };
  if (LEGACY_LAYER.test(path)) return { kind: 'layer' };
  const legacyConfig = LEGACY_CONFIG.exec(path);
  if (legacyConfig) return { kind: 'document', digest: `sha256:${legacyConfig[1]}` };
  const blob = OCI_BLOB.exec(path);
  if (blob) {
    const digest = `sha256:${blob[1]}`;
    if (digest === input.imageId) return { kind: 'document', digest };
    // The classic store saves layers uncompressed, named by their diffId.
    if (diffIds.has(digest)) return { kind: 'layer', diffId: digest, digest };
    // The containerd store saves the registry's (compressed) blobs: look at the bytes to tell layers from JSON.
    return { kind: 'sniff', digest };
  }
  return { kind: 'skip' };
}

function looksLikeJson(head: Buffer): boolean {
  const text = head.toString('latin1').trimStart();
  return text.startsWith('{');
}

/**
 * A member's body, re-pumped into a PassThrough for the consumer. The outer
 * tar only advances when the PassThrough has room (see gate()).
 */
interface Route {
  readonly out: PassThrough;
  discard: boolean;
}

/** Iterates layer blobs out of a `docker save` stream; fills `documents` as it goes. */
export async function* walkDockerSave(
  stream: AsyncIterable<Buffer>,
  input: SaveWalkInput,
  documents: SaveDocuments,
): AsyncGenerator<LayerBlob, void, undefined> {
  const diffIds = new Set(input.diffIds);
  let current: Route | undefined;

  // Backpressure: the next chunk of the save is only pulled once the layer consumer has drained what it was given.
  async function* gate(): AsyncGenerator<Buffer> {
    for await (const chunk of stream) {
      yield chunk;
      const route = current;
      if (route && !route.discard && route.out.writableNeedDrain && !route.out.destroyed) {
        await Promise.race([once(route.out, 'drain'), once(route.out, 'close')]);
      }
    }
  }

  const keepDocument = (digest: string | undefined, path: string, body: Buffer): void => {
    if (path === '/manifest.json') {
      documents.manifestJson = body;
    } else if (digest && documents.byDigest.size < MAX_DOCUMENTS) {
      documents.byDigest.set(digest, body);
    } else if (digest) {
      input.warn(`more than ${MAX_DOCUMENTS} JSON documents in the saved image; ignoring the rest`, path);
    }
  };

  async function readDocument(member: TarMember, digest: string | undefined): Promise<void> {
    const { path, size } = member.entry;
    if (size > input.limits.maxJsonBytes) {
      input.warn(`JSON member of ${size} bytes exceeds maxJsonBytes (${input.limits.maxJsonBytes}); skipped`, path);
      return;
    }
    keepDocument(digest, path, await member.body(input.limits.maxJsonBytes));
  }

  function layerBlob(route: Route, role: { diffId?: string; digest?: string }, size: number, head?: Buffer): LayerBlob {
    let opened = false;
    // A blob named by its diffId is the plain tar by definition; sniffed blobs say what they are in their
    // first bytes (the containerd store hands over the registry's gzip or zstd blobs); legacy layer.tar is detected.
    const compression = role.diffId !== undefined && role.diffId === role.digest ? 'none' : head ? sniffCompression(head) : 'detect';
    return {
      ...(role.digest !== undefined ? { digest: role.digest } : {}),
      ...(role.diffId !== undefined ? { diffId: role.diffId } : {}),
      compression,
      size,
      async open() {
        if (opened) throw new Error('layer blob opened twice');
        opened = true;
        if (head && head.length > 0) route.out.unshift(head);
        return route.out;
      },
    };
  }

  for await (const member of readTar(streamByteSource(gate()), { limits: input.limits, warn: input.warn })) {
    const { entry } = member;
    if (entry.type !== 'file') continue;
    const role = roleOf(entry.path, input, diffIds);
    if (role.kind === 'skip') continue;
    if (role.kind === 'document') {
      await readDocument(member, role.digest);
      continue;
    }

    if (role.kind === 'sniff' && entry.size <= SNIFF_BYTES) {
      // Too small to be a layer worth streaming; read it and decide.
      const body = await member.body(SNIFF_BYTES);
      if (looksLikeJson(body)) {
        keepDocument(role.digest, entry.path, body);
      } else {
        // A tiny compressed layer (one small file) is still a layer.
        documents.layerPaths.push(entry.path);
        yield { digest: role.digest, compression: sniffCompression(body), size: body.length, open: async () => Readable.from([body]) };
      }
      continue;
    }

    const route: Route = { out: new PassThrough({ highWaterMark: 1024 * 1024 }), discard: false };
    route.out.on('error', () => undefined);
    // An object, not a let: the sink callback changes it, and the compiler cannot see that across awaits.
    const state: { decided: 'layer' | 'json' | 'skip' | undefined } = { decided: role.kind === 'layer' ? 'layer' : undefined };
    const head: Buffer[] = [];
    let headLength = 0;
    const json: Buffer[] = [];
    let jsonLength = 0;
    let signalDecision: () => void = () => undefined;
    const decision = new Promise<void>((resolve) => (signalDecision = resolve));

    const decide = (): void => {
      const first = Buffer.concat(head, headLength);
      if (looksLikeJson(first)) {
        if (entry.size > input.limits.maxJsonBytes) {
          input.warn(`JSON member of ${entry.size} bytes exceeds maxJsonBytes (${input.limits.maxJsonBytes}); skipped`, entry.path);
          state.decided = 'skip';
        } else {
          state.decided = 'json';
          json.push(first);
          jsonLength += first.length;
        }
      } else {
        state.decided = 'layer';
      }
      head.length = 0;
      signalDecision();
    };

    let sniffed: Buffer | undefined;
    const sink = (piece: Buffer): void => {
      if (state.decided === undefined) {
        head.push(Buffer.from(piece));
        headLength += piece.length;
        if (headLength >= SNIFF_BYTES) {
          sniffed = Buffer.concat(head, headLength);
          decide();
        }
        return;
      }
      if (state.decided === 'json') {
        json.push(Buffer.from(piece));
        jsonLength += piece.length;
      } else if (state.decided === 'layer' && !route.discard && !route.out.destroyed) {
        route.out.write(piece);
      }
    };
    current = route;
    const pumping = member.pipe(sink).then(
      () => {
        if (state.decided === undefined) decide();
        route.out.end();
      },
      (error: unknown) => {
        route.out.destroy(error as Error);
        throw error;
      },
    );
    // Keep an early failure from surfacing as an unhandled rejection; it is awaited below.
    pumping.catch(() => undefined);

    if (state.decided === undefined) await Promise.race([decision, pumping]);
    if (state.decided === 'layer') {
      documents.layerPaths.push(entry.path);
      const roleInfo = role.kind === 'layer' ? role : { digest: role.digest };
      yield layerBlob(route, roleInfo, entry.size, sniffed);
      // The consumer asked for the next blob: whatever it left unread of this one is skipped.
      if (!route.out.readableEnded) {
        route.discard = true;
        route.out.destroy();
      }
    }
    await pumping;
    current = undefined;
    if (state.decided === 'json') keepDocument(role.digest, entry.path, Buffer.concat(json, jsonLength));
  }
}

/**
 * Digests of layer bytes as they stream past. A large layer is hashed on a
 * worker thread so that the tar parsing on the main thread and the SHA-256
 * (a third of a large image's read time) use two cores. A chunk that already
 * lives in shared memory (file-chunks.ts reads into it) is lent to the worker
 * as it is (buffer-loan.ts keeps its owner from reading into it until the
 * worker is done); any other chunk is copied into a shared 1 MiB slot. Either
 * way the worker hashes exactly the bytes that were parsed. Small layers, and
 * any process where a worker cannot start, hash inline.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { lendBuffer } from './buffer-loan.js';

export interface LayerHash {
  /** Feeds the next bytes; returns a promise only when the worker is behind and the caller should wait. */
  update(chunk: Buffer): Promise<void> | undefined;
  /** Hex digest of everything fed; call once, after the last update. */
  digest(): Promise<string>;
  /** Abandons the hash (the layer failed); safe to call after digest(). */
  dispose(): void;
}

export type HashAlgorithm = 'sha256' | 'sha512';

/** Layers at least this large (as delivered) are hashed on the worker; below it the thread hop is not worth it. */
export const PARALLEL_HASH_MIN_BYTES = 16 * 1024 * 1024;

const SLOT_BYTES = 1024 * 1024;
/** Bytes in flight to the worker at most (backpressure): bounds memory when the worker is slower than the reader. */
const SLOTS = 4;
/** An idle worker is ended after this long, so a server does not keep a thread for hashes it is not doing. */
const IDLE_MS = 2000;

type ToWorker =
  | { readonly op: 'open'; readonly id: number; readonly algorithm: HashAlgorithm }
  | {
      readonly op: 'data';
      readonly id: number;
      /** Echoed back in 'free' once the worker no longer reads the bytes. */
      readonly ticket: number;
      readonly buffer: SharedArrayBuffer;
      readonly offset: number;
      readonly length: number;
    }
  | { readonly op: 'end' | 'abort'; readonly id: number };

type FromWorker = { readonly op: 'free'; readonly ticket: number } | { readonly op: 'digest'; readonly id: number; readonly hex: string };

// CommonJS source evaluated in the worker: a file next to this one would not exist when the TypeScript sources run under vitest.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'open') hashes.set(m.id, createHash(m.algorithm));
  else if (m.op === 'data') {
    hashes.get(m.id)?.update(new Uint8Array(m.buffer, m.offset, m.length));
    parentPort.postMessage({ op: 'free', ticket: m.ticket });
  } else if (m.op === 'end') {
    const hash = hashes.get(m.id);
    hashes.delete(m.id);
    parentPort.postMessage({ op: 'digest', id: m.id, hex: hash ? hash.digest('hex') : '' });
  } else if (m.op === 'abort') hashes.delete(m.id);
});
`;

interface HashWorker {
  readonly worker: Worker;
  readonly buffers: SharedArrayBuffer[];
  readonly views: Buffer[];
  readonly free: number[];
  /** Updates waiting for a free slot. */
  readonly waiting: Array<() => void>;
  readonly digests: Map<number, { resolve(hex: string): void; reject(error: Error): void }>;
  /** What to do when the worker is done with the bytes of a 'data' message: free a slot or return a loan. */
  readonly tickets: Map<number, () => void>;
  open: number;
  nextId: number;
  nextTicket: number;
  failure?: Error;
  idle?: NodeJS.Timeout;
}

let shared: HashWorker | undefined;

function startWorker(): HashWorker | undefined {
  let worker: Worker;
  try {
    // It allocates a few objects per MiB hashed: a small heap keeps its memory to a few MiB.
    worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });
  } catch {
    return undefined;
  }
  const state: HashWorker = { worker, buffers: [], views: [], free: [], waiting: [], digests: new Map(), tickets: new Map(), open: 0, nextId: 1, nextTicket: 1 };
  worker.on('message', (message: FromWorker) => {
    if (message.op === 'free') {
      const done = state.tickets.get(message.ticket);
      state.tickets.delete(message.ticket);
      done?.();
    } else {
      const pending = state.digests.get(message.id);
      state.digests.delete(message.id);
      pending?.resolve(message.hex);
    }
  });
  const fail = (error: Error): void => {
    state.failure = new Error(`layer hashing worker failed: ${error.message}`, { cause: error });
    if (shared === state) shared = undefined;
    for (const pending of state.digests.values()) pending.reject(state.failure);
    state.digests.clear();
    // The worker will not read those bytes any more: lent buffers go back to their readers.
    for (const done of state.tickets.values()) done();
    state.tickets.clear();
    for (const wake of state.waiting.splice(0)) wake();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (state.digests.size > 0 || state.open > 0) fail(new Error(`exited with code ${code}`));
  });
  // Held only while a hash is open (createLayerHash refs it): an idle worker never keeps a process alive.
  // After the listeners: a 'message' listener refs the worker's port again.
  worker.unref();
  return state;
}

function release(state: HashWorker): void {
  state.open--;
  if (state.open > 0) return;
  state.worker.unref();
  clearTimeout(state.idle);
  state.idle = setTimeout(() => {
    if (state.open > 0) return;
    if (shared === state) shared = undefined;
    void state.worker.terminate();
  }, IDLE_MS);
  state.idle.unref();
}

/**
 * Ends the worker at once when no hash is open: called when an image has been read, so a scan does not
 * carry the worker's memory (~9 MiB) through cataloging until the idle timer fires. The next large
 * layer starts a new one.
 */
export function endIdleHashWorker(): void {
  const state = shared;
  if (!state || state.open > 0) return;
  clearTimeout(state.idle);
  shared = undefined;
  void state.worker.terminate();
}

function inlineHash(algorithm: HashAlgorithm): LayerHash {
  const hash = createHash(algorithm);
  return {
    update(chunk) {
      hash.update(chunk);
      return undefined;
    },
    digest: async () => hash.digest('hex'),
    dispose: () => undefined,
  };
}

/** A hash of `algorithm` over a layer whose delivered size is `sizeHint` (undefined when the source does not say). */
export function createLayerHash(algorithm: HashAlgorithm, sizeHint: number | undefined): LayerHash {
  if (sizeHint === undefined || sizeHint < PARALLEL_HASH_MIN_BYTES) return inlineHash(algorithm);
  shared ??= startWorker();
  const state = shared;
  if (!state) return inlineHash(algorithm);
  clearTimeout(state.idle);
  if (state.open === 0) state.worker.ref();
  state.open++;
  const id = state.nextId++;
  const post = (message: ToWorker): void => state.worker.postMessage(message);
  post({ op: 'open', id, algorithm });

  const postData = (buffer: SharedArrayBuffer, offset: number, length: number, done: () => void): void => {
    const ticket = state.nextTicket++;
    state.tickets.set(ticket, done);
    post({ op: 'data', id, ticket, buffer, offset, length });
  };
  const freeSlot = (freed: number) => (): void => {
    state.free.push(freed);
    state.waiting.shift()?.();
  };

  let slot = -1;
  let fill = 0;
  let closed = false;
  const flush = (): void => {
    if (slot < 0) return;
    postData(state.buffers[slot] as SharedArrayBuffer, 0, fill, freeSlot(slot));
    slot = -1;
    fill = 0;
  };
  const claimSlot = (): boolean => {
    const next = state.free.pop();
    if (next !== undefined) {
      slot = next;
    } else if (state.buffers.length < SLOTS) {
      const buffer = new SharedArrayBuffer(SLOT_BYTES);
      state.buffers.push(buffer);
      state.views.push(Buffer.from(buffer));
      slot = state.buffers.length - 1;
    } else {
      return false;
    }
    fill = 0;
    return true;
  };
  // Copies from `at` until the chunk is consumed or no slot is free; returns where it stopped.
  const copy = (chunk: Buffer, at: number): number => {
    while (at < chunk.length) {
      if (slot < 0 && !claimSlot()) return at;
      const n = Math.min(SLOT_BYTES - fill, chunk.length - at);
      chunk.copy(state.views[slot] as Buffer, fill, at, at + n);
      fill += n;
      at += n;
      if (fill === SLOT_BYTES) flush();
    }
    return at;
  };

  return {
    update(chunk) {
      if (state.failure) throw state.failure;
      if (chunk.buffer instanceof SharedArrayBuffer) {
        // Bytes before it that sit in a slot go first: the worker hashes in message order.
        flush();
        postData(chunk.buffer, chunk.byteOffset, chunk.length, lendBuffer(chunk.buffer));
        return undefined;
      }
      const stopped = copy(chunk, 0);
      if (stopped === chunk.length) return undefined;
      // Every slot is with the worker: wait for one, then go on with the rest of this chunk.
      return (async () => {
        let at = stopped;
        while (at < chunk.length) {
          await new Promise<void>((resolve) => state.waiting.push(resolve));
          if (state.failure) throw state.failure;
          at = copy(chunk, at);
        }
      })();
    },
    digest() {
      if (state.failure) return Promise.reject(state.failure);
      flush();
      closed = true;
      const result = new Promise<string>((resolve, reject) => state.digests.set(id, { resolve, reject }));
      post({ op: 'end', id });
      return result.finally(() => release(state));
    },
    dispose() {
      if (closed) return;
      closed = true;
      // A slot being filled goes back to the pool; slots already posted come back through 'free'.
      if (slot >= 0) {
        state.free.push(slot);
        state.waiting.shift()?.();
      }
      slot = -1;
      if (!state.failure) post({ op: 'abort', id });
      release(state);
    },
  };
}

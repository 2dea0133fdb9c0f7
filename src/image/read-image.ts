/**
 * Reads an image from any source into a squashed FileTree: streams every
 * layer once, keeps only the selected files' content, verifies digests and
 * applies layers base first — matching them to the config's diff_ids when
 * the source delivers them out of order (the Docker daemon's save stream).
 */
import { BulkheadError, ImageFormatError } from '../domain/errors.js';
import type { ImageMetadata } from '../domain/image.js';
import type { ScanWarning } from '../domain/inventory.js';
import type { FileEntry, FileTree } from './file-tree.js';
import type { ImageSource, LayerBlob, ReadProgress } from './image-source.js';
import { endIdleHashWorker } from './layer-hash.js';
import { readLayer } from './layer-reader.js';
import type { BufferBudget, InspectedLayer, LayerRecord } from './layer-reader.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { ReadLimits } from './limits.js';
import { createSquashedTree } from './squash.js';

export interface ReadImageOptions {
  /** Pure path predicate (the union of the catalogers' selects): whose content to keep. */
  selects(path: string): boolean;
  /** Paths decided by their first bytes (see LayerReadOptions.sniff). */
  sniff?(path: string): ((head: Buffer) => boolean) | undefined;
  limits?: Partial<ReadLimits>;
  onProgress?(progress: ReadProgress): void;
  /** Layers read at once on random-access sources (default 2); streaming sources always read one at a time. */
  concurrency?: number;
  /**
   * Transient per-layer content inspection (secret scanning): see the
   * InspectHook of layer-reader.ts. Sees every layer's files, deleted ones too.
   */
  inspect?(entry: FileEntry, layer: InspectedLayer): ((content: Buffer) => void) | undefined;
  /** Shrinks selected files' content as it is read (see LayerReadOptions.reduce). */
  reduce?(path: string, content: Buffer): Buffer;
}

export interface ReadImageResult {
  readonly tree: FileTree;
  readonly metadata: ImageMetadata;
  readonly warnings: ScanWarning[];
}

const PROGRESS_STEP = 4 * 1024 * 1024;

export async function readImage(source: ImageSource, options: ReadImageOptions): Promise<ReadImageResult> {
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const warnings: ScanWarning[] = [];
  const warn = (warning: ScanWarning): void => {
    warnings.push(warning);
  };
  const budget: BufferBudget = { used: 0 };
  const tree = createSquashedTree(limits, warn);

  let earlyMetadata: ImageMetadata | undefined;
  if (source.randomAccess) earlyMetadata = await source.metadata();

  // Progress: bytes as delivered, reported in steps so a fast stream does not flood the callback.
  let bytes = 0;
  let reported = 0;
  let layersDone = 0;
  let layersKnown = earlyMetadata?.layers.length ?? 0;
  let totalBytes: number | undefined;
  const report = (): void => {
    reported = bytes;
    options.onProgress?.({ layer: layersDone, layers: Math.max(layersKnown, layersDone), bytes, ...(totalBytes !== undefined ? { totalBytes } : {}) });
  };
  // Set when one layer fails, so layers still streaming on other workers stop at their next chunk.
  let failed = false;
  const onBytes = (n: number): void => {
    if (failed) throw new BulkheadError('image read abandoned after another layer failed');
    bytes += n;
    if (bytes - reported >= PROGRESS_STEP) report();
  };

  // Layers that know their position are squashed as soon as their predecessors are; the rest wait for diff_ids.
  const pending = new Map<number, LayerRecord>();
  const applied: LayerRecord[] = [];
  const unplaced: LayerRecord[] = [];
  const offer = (record: LayerRecord): void => {
    layersDone++;
    report();
    if (record.index === undefined) {
      unplaced.push(record);
      return;
    }
    if (pending.has(record.index) || record.index < applied.length) {
      throw new ImageFormatError(`layer ${record.index} was delivered twice`);
    }
    pending.set(record.index, record);
    for (let next = pending.get(applied.length); next; next = pending.get(applied.length)) {
      pending.delete(applied.length);
      tree.apply(next);
      applied.push(next);
    }
  };
  const read = (blob: LayerBlob): Promise<LayerRecord> => readLayer(blob, { selects: options.selects, sniff: options.sniff, inspect: options.inspect, reduce: options.reduce, limits, budget, warn, onBytes });

  if (source.randomAccess) {
    const blobs: LayerBlob[] = [];
    for await (const blob of source.layers()) blobs.push(blob);
    layersKnown = Math.max(layersKnown, blobs.length);
    if (blobs.every((b) => b.size !== undefined)) totalBytes = blobs.reduce((sum, b) => sum + (b.size ?? 0), 0);
    let cursor = 0;
    const worker = async (): Promise<void> => {
      while (!failed && cursor < blobs.length) {
        const blob = blobs[cursor++] as LayerBlob;
        try {
          offer(await read(blob));
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const workers = Math.max(1, Math.min(options.concurrency ?? 2, blobs.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } else {
    for await (const blob of source.layers()) {
      layersKnown++;
      offer(await read(blob));
    }
  }

  endIdleHashWorker();
  const metadata = earlyMetadata ?? (await source.metadata());
  const expected = metadata.layers;
  if (unplaced.length > 0) {
    if (applied.length > 0 || pending.size > 0) throw new ImageFormatError('source mixed positioned and unpositioned layers');
    const byDiffId = new Map(unplaced.map((record) => [record.diffId, record]));
    for (const layer of expected) {
      const record = byDiffId.get(layer.diffId);
      if (!record) throw new ImageFormatError(`layer ${layer.index} (${layer.diffId}) is missing from the image`);
      tree.apply(record);
    }
    const wanted = new Set(expected.map((layer) => layer.diffId));
    for (const record of unplaced) {
      if (!wanted.has(record.diffId)) warn({ message: 'layer not listed in the image config was ignored', layer: record.diffId, source: 'image' });
    }
  } else {
    if (pending.size > 0) {
      throw new ImageFormatError(`layer ${applied.length} is missing from the image`);
    }
    if (applied.length !== expected.length) {
      throw new ImageFormatError(`image has ${applied.length} layers but its config lists ${expected.length} diff_ids`);
    }
    applied.forEach((record, i) => {
      const want = expected[i]?.diffId;
      if (record.diffId !== want) throw new ImageFormatError(`layer ${i}: content diffId ${record.diffId} does not match the config's ${want}`);
    });
  }
  report();
  // The tree keeps `warn`, and with it this function's closure context: drop the layer records (every tar
  // entry of every layer, 100k+ objects on a large image) so they do not live as long as the tree.
  applied.length = 0;
  unplaced.length = 0;
  pending.clear();
  return { tree, metadata, warnings };
}

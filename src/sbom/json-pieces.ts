/**
 * JSON.stringify(value, null, 2), written piece by piece. The SBOM writers
 * describe a document whose big lists are produced one element at a time
 * (jsonArrayOf over a generator) and whose late members are computed only
 * when reached (jsonLater), so that neither the whole document's objects nor
 * its whole text exist at once: on an image with thousands of packages that
 * is tens of MB of heap at the very end of `bulkhead sbom`, where the peak
 * RSS is reached.
 *
 * The bytes are JSON.stringify's: containers down to `depth` (and every
 * jsonArrayOf) are opened here with its two-space layout; anything below is
 * JSON.stringify'd whole — list elements a batch at a time, nested in arrays
 * to their indentation; a member re-indented, which is exact because
 * JSON.stringify only writes a raw newline as layout (a newline inside a
 * string is escaped). Members whose value JSON omits (undefined, functions,
 * symbols) are omitted, and become null in arrays, as JSON.stringify does.
 */

const ARRAY_OF: unique symbol = Symbol('jsonArrayOf');
const LATER: unique symbol = Symbol('jsonLater');

/** A JSON array whose elements come from an iterable (through `map`, when given), read when the writer reaches it. */
export interface JsonArrayOf {
  readonly [ARRAY_OF]: { readonly items: Iterable<unknown>; readonly map: ((item: never) => unknown) | undefined };
}

/** A value computed when the writer reaches it; undefined omits the member, as JSON.stringify does. */
export interface JsonLater {
  readonly [LATER]: () => unknown;
}

export function jsonArrayOf<T>(items: Iterable<T>, map?: (item: T) => unknown): JsonArrayOf {
  return { [ARRAY_OF]: { items, map } };
}

export function jsonLater(value: () => unknown): JsonLater {
  return { [LATER]: value };
}

/**
 * Pieces whose concatenation is JSON.stringify(value, null, 2), with every
 * jsonArrayOf written as an array and every jsonLater as its value. `depth`
 * plain objects and arrays deep are opened (each piece then holds one member
 * or at most BATCH elements of such a container); deeper values are
 * stringified whole.
 */
export function* jsonPieces(value: object, depth = 1): Generator<string, void, undefined> {
  const resolved = resolve(value);
  if (opens(resolved, depth)) yield* containerPieces(resolved, '', depth);
  else yield leaf(resolved, '') ?? 'null';
}

const STEP = '  ';

function resolve(value: unknown): unknown {
  return isLater(value) ? value[LATER]() : value;
}

function opens(value: unknown, depth: number): value is object {
  return isArrayOf(value) || (depth > 0 && (isPlainArray(value) || isPlainObject(value)));
}

function* containerPieces(value: object, indent: string, depth: number): Generator<string, void, undefined> {
  const inner = indent + STEP;
  if (isArrayOf(value) || Array.isArray(value)) {
    const source = isArrayOf(value) ? value[ARRAY_OF] : undefined;
    // An array's own values(): holes read as undefined (written as null), as JSON.stringify reads them.
    const iterator = (source === undefined ? Array.prototype.values.call(value as unknown[]) : source.items[Symbol.iterator]()) as Iterator<unknown>;
    const map = source?.map as ((item: unknown) => unknown) | undefined;
    let open = '[\n';
    // Elements written whole are stringified a batch at a time: one
    // JSON.stringify call per batch instead of one per element, and no
    // re-indenting (see elementsText).
    for (;;) {
      const batch: unknown[] = [];
      const stop = fillBatch(iterator, map, depth - 1, batch);
      if (batch.length > 0) {
        yield open + elementsText(batch, inner);
        open = ',\n';
      }
      if (stop === undefined) continue;
      if (stop === DONE) break;
      yield open + inner;
      yield* containerPieces(stop, inner, depth - 1);
      open = ',\n';
    }
    yield open === '[\n' ? '[]' : `\n${indent}]`;
    return;
  }
  let open = '{\n';
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const member = resolve(record[key]);
    const head = `${open}${inner}${JSON.stringify(key)}: `;
    if (opens(member, depth - 1)) {
      yield head;
      yield* containerPieces(member, inner, depth - 1);
    } else {
      const text = leaf(member, inner);
      if (text === undefined) continue;
      yield head + text;
    }
    open = ',\n';
  }
  yield open === '{\n' ? '{}' : `\n${indent}}`;
}

const DONE: unique symbol = Symbol('done');

/**
 * Moves elements from the iterator into `batch` until it holds BATCH of
 * them; stops early at the end (DONE) or at an element to be opened (which
 * it returns). A plain function, so that V8 optimizes this per-element loop:
 * a loop inside a generator is never switched to optimized code mid-run.
 */
function fillBatch(
  iterator: Iterator<unknown>,
  map: ((item: unknown) => unknown) | undefined,
  depth: number,
  batch: unknown[],
): object | typeof DONE | undefined {
  while (batch.length < BATCH) {
    const next = iterator.next();
    if (next.done === true) return DONE;
    const item = resolve(map === undefined ? next.value : map(next.value));
    if (opens(item, depth)) return item;
    batch.push(item);
  }
  return undefined;
}

/** JSON.stringify's text for a value below the opened levels, indented to sit at `indent`. */
function leaf(value: unknown, indent: string): string | undefined {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  return text === undefined || indent === '' || !text.includes('\n') ? text : text.replaceAll('\n', `\n${indent}`);
}

/** Elements stringified together; a batch holds this many at most (a few tens of KB of text). */
const BATCH = 32;

/**
 * `inner`e1,\n`inner`e2… for array elements that sit at `inner`: the batch
 * is stringified nested in as many arrays as `inner` has levels, which puts
 * its elements at exactly that indentation, and the wrapping is cut off.
 */
function elementsText(batch: unknown[], inner: string): string {
  const levels = inner.length / STEP.length;
  let wrapped: unknown = batch;
  for (let n = 1; n < levels; n++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Each level n adds its indentation plus "[\n" before the elements and "\n" plus its indentation plus "]" after.
  let cut = 0;
  for (let n = 0; n < levels; n++) cut += n * STEP.length + 2;
  return text.slice(cut, text.length - cut);
}

/**
 * Opened here only when JSON.stringify would write the object's own
 * enumerable keys: a plain object without toJSON (not a boxed primitive, a
 * Date…). Anything else is stringified whole, which is exact except that a
 * toJSON is then called with '' instead of its member name.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !hasToJson(value);
}

function isPlainArray(value: unknown): value is unknown[] {
  return Array.isArray(value) && !hasToJson(value);
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function isArrayOf(value: unknown): value is JsonArrayOf {
  return typeof value === 'object' && value !== null && ARRAY_OF in value;
}

function isLater(value: unknown): value is JsonLater {
  return typeof value === 'object' && value !== null && LATER in value;
}

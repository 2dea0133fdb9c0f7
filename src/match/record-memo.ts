/**
 * Per-record memos for values derived from advisory data (compiled ranges,
 * rewritten statements, primary ids). Indexes hand out the same parsed
 * records to every package that looks them up, so a derived value is worth
 * keeping with its record. It is kept on the record itself under a
 * non-enumerable symbol (invisible to JSON, spreading and equality): a
 * WeakMap holding thousands of short-lived records made every garbage
 * collection of a cold match walk its ephemeron table. Records that cannot
 * take a property (frozen ones) fall back to a WeakMap.
 */
export interface RecordMemo<K extends object, V> {
  get(record: K, compute: (record: K) => V): V;
}

export function recordMemo<K extends object, V>(name: string): RecordMemo<K, V> {
  const key = Symbol(name);
  const fallback = new WeakMap<K, V>();
  return {
    get(record, compute) {
      const own = (record as Record<symbol, V | undefined>)[key];
      if (own !== undefined) return own;
      if (!Object.isExtensible(record)) {
        let v = fallback.get(record);
        if (v === undefined) {
          v = compute(record);
          fallback.set(record, v);
        }
        return v;
      }
      const v = compute(record);
      Object.defineProperty(record, key, { value: v });
      return v;
    },
  };
}

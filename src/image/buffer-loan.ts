/**
 * Recycled read buffers lent to another thread. file-chunks.ts reads layer
 * bytes into shared memory and layer-hash.ts hands those very bytes to its
 * hashing worker instead of copying them (a gigabyte of memcpy is a tenth of
 * a large scan's main-thread time). While a buffer is out on loan its owner
 * must not read into it again: it waits for bufferReturned() first.
 */

interface Loan {
  count: number;
  readonly waiters: Array<() => void>;
}

const loans = new WeakMap<ArrayBufferLike, Loan>();

/** Marks `buffer` as in use elsewhere; the returned function gives it back (call it exactly once). */
export function lendBuffer(buffer: ArrayBufferLike): () => void {
  let loan = loans.get(buffer);
  if (!loan) {
    loan = { count: 0, waiters: [] };
    loans.set(buffer, loan);
  }
  loan.count++;
  const held = loan;
  let returned = false;
  return () => {
    if (returned) return;
    returned = true;
    held.count--;
    if (held.count > 0) return;
    loans.delete(buffer);
    for (const wake of held.waiters.splice(0)) wake();
  };
}

/** Resolves when every loan of `buffer` is returned; undefined when none is out (the common case: no promise). */
export function bufferReturned(buffer: ArrayBufferLike): Promise<void> | undefined {
  const loan = loans.get(buffer);
  if (!loan) return undefined;
  return new Promise<void>((resolve) => loan.waiters.push(resolve));
}

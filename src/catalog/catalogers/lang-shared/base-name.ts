import path from 'node:path';

/**
 * The last path a baseName was asked for: a dozen selectors ask about the same
 * path one after the other while a layer streams, and each answer would
 * otherwise be a new string cut from it.
 */
let lastPath: string | undefined;
let lastBase = '';

/**
 * path.posix.basename for selectors, which run for every path of every layer:
 * a slice where the path does not end in a slash (always, for tar members),
 * path.posix.basename itself otherwise, so the answer is the same.
 */
export function baseName(p: string): string {
  if (p === lastPath) return lastBase;
  lastBase = p.endsWith('/') ? path.posix.basename(p) : p.slice(p.lastIndexOf('/') + 1);
  lastPath = p;
  return lastBase;
}

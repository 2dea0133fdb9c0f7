import path from 'node:path';

/**
 * path.posix.basename for selectors, which run for every path of every layer:
 * a slice where the path does not end in a slash (always, for tar members),
 * path.posix.basename itself otherwise, so the answer is the same.
 */
export function baseName(p: string): string {
  return p.endsWith('/') ? path.posix.basename(p) : p.slice(p.lastIndexOf('/') + 1);
}

import type { ReadLimits } from '../limits.js';

export type PathVerdict = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

/**
 * Normalizes an archive member name to the absolute '/a/b' form used by
 * FileTree. Leading '/' and './' are dropped (layers are rooted at the image
 * root either way); '..' that would climb above the root, NUL bytes and
 * over-long names are refused because a hostile layer uses them to aim at
 * paths outside the image.
 */
export function normalizeArchivePath(name: string, limits: Pick<ReadLimits, 'maxPathLength'>): PathVerdict {
  if (name.includes('\0')) return { ok: false, reason: 'path contains a NUL byte' };
  if (name.length > limits.maxPathLength) return { ok: false, reason: `path longer than ${limits.maxPathLength} bytes` };
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return { ok: false, reason: 'path escapes the root with ..' };
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return { ok: true, path: '/' + parts.join('/') };
}

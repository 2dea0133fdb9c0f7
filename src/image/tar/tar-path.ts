import type { ReadLimits } from '../limits.js';

/** A '.' or '..' segment, or an empty one ('a//b'); a leading or one trailing '/' is handled without the walk. */
const NEEDS_WALK = /\/\/|(?:^|\/)\.\.?(?:\/|$)/;

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
  // Runs for every member of every layer, and nearly every name is already plain ('usr/bin/' or './usr/bin'):
  // only a name with '.', '..' or empty segments inside needs the walk below.
  const body = name.startsWith('./') ? name.slice(2) : name;
  if (!NEEDS_WALK.test(body)) {
    const trimmed = body.endsWith('/') ? body.slice(0, -1) : body;
    return { ok: true, path: trimmed.startsWith('/') ? trimmed : `/${trimmed}` };
  }
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

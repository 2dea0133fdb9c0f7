import path from 'node:path';
import { pathSegments } from '../lang-shared/index.js';

/**
 * Which core-metadata file a path is, if any, inside site-packages or
 * dist-packages: '<x>.dist-info/METADATA', '<x>.egg-info/PKG-INFO' (also the
 * 'EGG-INFO/PKG-INFO' of an .egg) or a single-file '<x>.egg-info'. The match
 * on the directory suffix is case-insensitive, as on case-insensitive
 * filesystems pip finds them that way too.
 */
export interface MetadataFile {
  readonly kind: 'dist-info' | 'egg-info-dir' | 'egg-info-file';
  /** The directory holding the .dist-info/.egg-info: where its siblings are installed. */
  readonly siteDir: string;
}

export function metadataFile(p: string): MetadataFile | undefined {
  // Runs for every path of every layer: rule out almost all of them before splitting.
  if (!p.includes('site-packages') && !p.includes('dist-packages')) return undefined;
  const segs = pathSegments(p);
  if (!segs.some((s) => s === 'site-packages' || s === 'dist-packages')) return undefined;
  const base = segs[segs.length - 1] ?? '';
  const parent = (segs[segs.length - 2] ?? '').toLowerCase();
  if (base === 'METADATA' && parent.endsWith('dist-info')) {
    return { kind: 'dist-info', siteDir: path.posix.dirname(path.posix.dirname(p)) };
  }
  if (base === 'PKG-INFO' && parent.endsWith('egg-info')) {
    return { kind: 'egg-info-dir', siteDir: path.posix.dirname(path.posix.dirname(p)) };
  }
  if (base.toLowerCase().endsWith('.egg-info')) return { kind: 'egg-info-file', siteDir: path.posix.dirname(p) };
  return undefined;
}

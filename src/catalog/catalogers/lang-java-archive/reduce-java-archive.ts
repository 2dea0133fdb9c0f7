/**
 * Shrinks a Java archive, as soon as its layer delivers it, to the entries
 * the cataloger reads: every pom.properties, the manifest, and the nested
 * archives (themselves shrunk), stored uncompressed in a new zip. A 10 MiB
 * jar of classes becomes a few KiB, so hundreds of jars no longer sit in
 * memory until cataloging. Anything unusual — a damaged or over-limit
 * archive, an entry over the cataloger's size limits — returns the original
 * bytes, so the cataloger sees exactly what it would have seen and warns the same.
 */
import { BadInputError } from '../../../domain/errors.js';
import { createZipBudget, openZip, type ZipArchive, type ZipBudget } from '../../zip/zip-archive.js';
import { writeZip, type ZipWriterEntry } from '../../zip/zip-writer.js';
import { JAVA_ARCHIVE_EXTENSION } from './archive-file-name.js';
import { ARCHIVE_LIMITS, isManifest, isPomProperties } from './identify-archive.js';

class KeepOriginal extends Error {}

function reduceArchive(archive: ZipArchive, depth: number, maxDepth: number, budget: ZipBudget): Buffer {
  const kept: ZipWriterEntry[] = [];
  for (const entry of archive.entries) {
    // Most entries are classes: no pom.properties, manifest or archive name ends in '.class'.
    if (entry.isDirectory || entry.name.endsWith('.class')) continue;
    if (isPomProperties(entry.name) || isManifest(entry.name)) {
      const max = isManifest(entry.name) ? ARCHIVE_LIMITS.manifestBytes : ARCHIVE_LIMITS.pomPropertiesBytes;
      if (entry.size > max) throw new KeepOriginal();
      kept.push({ name: entry.name, data: archive.read(entry), method: 'store' });
    } else if (JAVA_ARCHIVE_EXTENSION.test(entry.name)) {
      // Past the depth the cataloger opens, an empty placeholder keeps its "not opened" warning.
      const data = depth + 1 > maxDepth ? Buffer.alloc(0) : reduceArchive(openZip(archive.read(entry), undefined, budget), depth + 1, maxDepth, budget);
      kept.push({ name: entry.name, data, method: 'store' });
    }
  }
  return writeZip(kept);
}

/** The reduced archive, or `content` itself when reducing could change what the cataloger finds. */
export function reduceJavaArchive(content: Buffer, maxDepth: number, budgetBytes: number): Buffer {
  try {
    const budget = createZipBudget(budgetBytes);
    const reduced = reduceArchive(openZip(content, undefined, budget), 0, maxDepth, budget);
    return reduced.length < content.length ? reduced : content;
  } catch (error) {
    if (error instanceof KeepOriginal || error instanceof BadInputError) return content;
    throw error;
  }
}

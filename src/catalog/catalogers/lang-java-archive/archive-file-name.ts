/**
 * Splits an archive file name into artifact and version the way Maven names
 * files: 'log4j-core-2.14.1.jar' → log4j-core, 2.14.1. The version starts at
 * the first '-' followed by a digit.
 */
export const JAVA_ARCHIVE_EXTENSION = /\.(jar|war|ear|par|sar|jpi|hpi)$/i;

export function splitArchiveFileName(path: string): { artifact: string; version?: string } {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(JAVA_ARCHIVE_EXTENSION, '');
  const m = /^(.+?)-(\d[^/]*)$/.exec(base);
  return m ? { artifact: m[1]!, version: m[2]! } : { artifact: base };
}

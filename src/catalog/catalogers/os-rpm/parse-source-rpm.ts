/**
 * Source package name and version from a SOURCERPM value, which is the file
 * name of the source RPM: 'util-linux-2.32.1-42.el8_8.src.rpm' →
 * util-linux, 2.32.1-42.el8_8. Names may contain dashes; version and release
 * may not, so the split is on the last two.
 */
export function parseSourceRpm(fileName: string): { name: string; version: string; release: string } | undefined {
  const base = fileName.replace(/\.(?:no)?src\.rpm$/, '');
  if (base === fileName) return undefined;
  const releaseDash = base.lastIndexOf('-');
  if (releaseDash <= 0) return undefined;
  const versionDash = base.lastIndexOf('-', releaseDash - 1);
  if (versionDash <= 0) return undefined;
  const name = base.slice(0, versionDash);
  const version = base.slice(versionDash + 1, releaseDash);
  const release = base.slice(releaseDash + 1);
  if (version === '' || release === '') return undefined;
  return { name, version, release };
}

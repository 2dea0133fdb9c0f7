/**
 * Name and version from a pnpm dependency path, across lockfile formats:
 *   v5:  /name/1.2.3, /@scope/name/1.2.3_peer@1.0.0, registry.host/name/1.2.3
 *   v6:  /name@1.2.3(peer@1.0.0), /@scope/name@1.2.3
 *   v9:  name@1.2.3(peer@1.0.0), @scope/name@1.2.3
 * Paths that carry no registry version (git hosts, file: directories) give
 * undefined; those entries name themselves with `name`/`version` fields.
 */
export interface DependencyPathParts {
  readonly name: string;
  readonly version: string;
}

const VERSION = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/;

export function parseDependencyPath(depPath: string): DependencyPathParts | undefined {
  if (depPath.startsWith('file:') || depPath.startsWith('link:')) return undefined;
  let p = depPath;
  const paren = p.indexOf('(');
  if (paren >= 0) p = p.slice(0, paren);
  if (p.startsWith('/')) p = p.slice(1);
  else {
    // A leading host segment (registry.npmjs.org/…, example.com/…).
    const firstSlash = p.indexOf('/');
    const first = firstSlash >= 0 ? p.slice(0, firstSlash) : '';
    if (first.includes('.') && !first.startsWith('@')) p = p.slice(firstSlash + 1);
  }
  // v6/v9: name@version
  const at = p.indexOf('@', p.startsWith('@') ? 1 : 0);
  if (at > 0) {
    const name = p.slice(0, at);
    const version = p.slice(at + 1);
    if (VERSION.test(version) && isName(name)) return { name, version };
  }
  // v5: name/version_peers
  const segs = p.split('/');
  const nameSegs = segs[0]?.startsWith('@') ? 2 : 1;
  if (segs.length !== nameSegs + 1) return undefined;
  const name = segs.slice(0, nameSegs).join('/');
  const version = (segs[nameSegs] ?? '').split('_')[0] ?? '';
  return VERSION.test(version) && isName(name) ? { name, version } : undefined;
}

function isName(name: string): boolean {
  return /^(?:@[^/@\s]+\/)?[^/@\s]+$/.test(name);
}

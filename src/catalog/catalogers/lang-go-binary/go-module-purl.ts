/**
 * purl for a Go module: pkg:golang/<module path>@<version>, the path's last
 * element as the name and the rest as the namespace (github.com/x/y → namespace
 * github.com/x, name y), as the purl spec's golang type describes.
 */
import { formatPurl } from '../../../domain/purl.js';

export function goModulePurl(modulePath: string, version: string): string {
  const slash = modulePath.lastIndexOf('/');
  return formatPurl({
    type: 'golang',
    namespace: slash < 0 ? undefined : modulePath.slice(0, slash),
    name: slash < 0 ? modulePath : modulePath.slice(slash + 1),
    version,
  });
}

/** A `replace` target that is a directory on the build machine rather than a module. */
export function isLocalReplacement(path: string): boolean {
  return path.startsWith('./') || path.startsWith('../') || path.startsWith('/') || path === '.' || path === '..' || /^[A-Za-z]:[\\/]/.test(path);
}

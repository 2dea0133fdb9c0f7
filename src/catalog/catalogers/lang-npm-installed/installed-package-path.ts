import { pathSegments } from '../lang-shared/index.js';

/**
 * Directories inside a package that hold test fixtures: a package.json under
 * them describes a fixture, not something installed.
 */
const FIXTURE_DIRS = new Set(['test', 'tests', '__tests__', 'fixtures', '__fixtures__', 'fixture', 'example', 'examples', 'testdata']);

/**
 * The package directory of `…/node_modules/<name>/package.json` or
 * `…/node_modules/@scope/<name>/package.json`, or undefined for any other
 * package.json (nested manifests such as lib/package.json, fixtures).
 */
export function installedPackageDir(path: string): { dir: string; folderName: string } | undefined {
  // Runs for every path of every layer: rule out almost all of them before splitting.
  if (!path.includes('package.json') || !path.includes('node_modules')) return undefined;
  const segs = pathSegments(path);
  if (segs[segs.length - 1] !== 'package.json') return undefined;
  const last = segs.lastIndexOf('node_modules');
  if (last < 0) return undefined;
  const rest = segs.slice(last + 1, -1);
  const first = rest[0];
  if (first === undefined || first.startsWith('.')) return undefined;
  if (first.startsWith('@') ? rest.length !== 2 : rest.length !== 1) return undefined;
  const firstModules = segs.indexOf('node_modules');
  for (const seg of segs.slice(firstModules + 1, last)) if (FIXTURE_DIRS.has(seg)) return undefined;
  return { dir: `/${segs.slice(0, -1).join('/')}`, folderName: rest.join('/') };
}

import path from 'node:path';
import type { CatalogContext, CatalogResult, Cataloger, PackageDraft } from '../../cataloger.js';
import type { FileEntry } from '../../../image/file-tree.js';
import { locationOf, mergeDuplicates, pathSegments, readSelectedText } from '../lang-shared/index.js';
import { pypiPackageDraft } from '../lang-python/index.js';
import { tokenizeRequirements } from './tokenize-requirements.js';

const NAME = 'lang/python-requirements';
const MAX_BYTES = 4 * 1024 * 1024;
/** How deep '-r' includes are followed, and how many files one root may pull in. */
const MAX_INCLUDE_DEPTH = 5;
const MAX_INCLUDED_FILES = 32;

const TXT_AT_END = /\.txt\/*$/i;

/** requirements*.txt anywhere, and *.txt under a requirements/ folder; not inside installed packages. */
export function isRequirementsFile(p: string): boolean {
  // Runs for every path of every layer: rule out almost all of them before splitting.
  if (!TXT_AT_END.test(p)) return false;
  const segs = pathSegments(p);
  if (segs.some((s) => s === 'site-packages' || s === 'dist-packages' || s === 'node_modules')) return false;
  const base = (segs[segs.length - 1] ?? '').toLowerCase();
  if (!base.endsWith('.txt')) return false;
  return base.includes('requirements') || (segs[segs.length - 2] ?? '').toLowerCase() === 'requirements';
}

export const pythonRequirementsCataloger: Cataloger = {
  name: NAME,
  version: 2,
  declares: true,
  ecosystems: ['pypi'],
  reads: ['requirements*.txt and requirements/*.txt: exact pins (== and ===), following -r includes inside the image'],
  selects: isRequirementsFile,
  selectsOnly: { extensions: ['.txt'] },
  async catalog(ctx): Promise<CatalogResult> {
    const selected = new Set(ctx.files.map((f) => f.path));
    const packages: PackageDraft[] = [];
    for (const file of ctx.files) {
      if (file.type === 'dir' || file.type === 'other') continue;
      const visited = new Set<string>([file.path]);
      await catalogFile(ctx, file, 0, visited, selected, packages);
    }
    return mergeDuplicates({ packages });
  },
};

async function catalogFile(
  ctx: CatalogContext,
  file: FileEntry,
  depth: number,
  visited: Set<string>,
  selected: ReadonlySet<string>,
  out: PackageDraft[],
): Promise<void> {
  let text: string;
  try {
    text = await readSelectedText(ctx, file, MAX_BYTES);
  } catch (error) {
    ctx.warn(`${NAME}: ${(error as Error).message}`, file.path);
    return;
  }
  const parsed = tokenizeRequirements(text);
  const location = locationOf(file);
  for (const pin of parsed.pins) {
    out.push(
      pypiPackageDraft({
        name: pin.name,
        version: pin.version,
        location,
        metadata: pin.marker !== undefined ? { marker: pin.marker } : {},
      }),
    );
  }
  if (depth >= MAX_INCLUDE_DEPTH) return;
  for (const include of parsed.includes) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(include)) continue;
    const target = ctx.tree.resolve(path.posix.resolve(path.posix.dirname(file.path), include));
    // A selected file is cataloged on its own; an unbuffered one cannot be read.
    if (target === undefined || selected.has(target) || visited.has(target) || !ctx.tree.readable(target)) continue;
    if (visited.size >= MAX_INCLUDED_FILES) return;
    const entry = ctx.tree.get(target);
    if (entry === undefined || entry.type !== 'file') continue;
    visited.add(target);
    await catalogFile(ctx, entry, depth + 1, visited, selected, out);
  }
}

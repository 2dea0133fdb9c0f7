/**
 * The go.mod cataloger: module requirements of Go source trees, with
 * `replace` applied the way the build applies it (a module replacement is
 * reported as the replacement; a directory replacement keeps the original path
 * at '(devel)', as lang/go-binary does), excluded versions dropped with a
 * warning, and h1: hashes from a go.sum beside the go.mod.
 *
 * go.mod files inside the module cache (…/pkg/mod/…) and vendor trees belong
 * to dependencies, not to the project, and are not selected.
 */
import type { CatalogContext, CatalogResult, Cataloger, PackageDraft } from '../../cataloger.js';
import type { FileEntry } from '../../../image/file-tree.js';
import { catalogEachFile } from '../lang-shared/catalog-each-file.js';
import { locationOf } from '../lang-shared/location-of.js';
import { readSelectedText } from '../lang-shared/read-selected-text.js';
import { goModulePurl, isLocalReplacement } from '../lang-go-binary/go-module-purl.js';
import { parseGoMod } from './parse-go-mod.js';
import type { GoModFile, GoModRequire } from './parse-go-mod.js';
import { parseGoSum } from './parse-go-sum.js';

const NAME = 'lang/go-mod';
const MAX_BYTES = 8 * 1024 * 1024;
const DEVEL = '(devel)';

function isGoModPath(path: string, base: 'go.mod' | 'go.sum'): boolean {
  return path.endsWith(`/${base}`) && !path.includes('/pkg/mod/') && !path.includes('/vendor/');
}

export const goModCataloger: Cataloger = {
  name: NAME,
  version: 2,
  declares: true,
  ecosystems: ['go'],
  reads: ['**/go.mod', '**/go.sum (beside a go.mod)'],
  selects: (path) => isGoModPath(path, 'go.mod') || isGoModPath(path, 'go.sum'),
  selectsOnly: { names: ['go.mod', 'go.sum'] },
  catalog: (ctx: CatalogContext): Promise<CatalogResult> =>
    catalogEachFile(ctx, {
      name: NAME,
      maxBytes: MAX_BYTES,
      accept: (file) => file.path.endsWith('/go.mod'),
      parse: async (text, file) => {
        const mod = parseGoMod(text);
        const sums = await readSiblingSums(ctx, file);
        return { packages: toDrafts(mod, file, sums, ctx) };
      },
    }),
};

async function readSiblingSums(ctx: CatalogContext, file: FileEntry): Promise<Map<string, string>> {
  const path = `${file.path.slice(0, -'go.mod'.length)}go.sum`;
  const entry = ctx.tree.get(path);
  if (!entry || !ctx.tree.readable(path)) return new Map();
  try {
    return parseGoSum(await readSelectedText(ctx, entry, MAX_BYTES));
  } catch (error) {
    ctx.warn(`${NAME}: go.sum not read: ${(error as Error).message}`, path);
    return new Map();
  }
}

function toDrafts(mod: GoModFile, file: FileEntry, sums: Map<string, string>, ctx: CatalogContext): PackageDraft[] {
  const excluded = new Set(mod.excludes.map((e) => `${e.path}@${e.version}`));
  const drafts: PackageDraft[] = [];
  for (const req of mod.requires) {
    if (excluded.has(`${req.path}@${req.version}`)) {
      ctx.warn(`${NAME}: ${req.path}@${req.version} is both required and excluded; skipped`, file.path);
      continue;
    }
    const { name, version, metadata } = applyReplace(req, mod);
    const sum = sums.get(`${name}@${version}`);
    drafts.push({
      ecosystem: 'go',
      name,
      version,
      purl: goModulePurl(name, version),
      licenses: [],
      locations: [locationOf(file)],
      scope: 'prod',
      metadata: { indirect: req.indirect, ...metadata, ...(sum ? { h1Digest: sum } : {}) },
    });
  }
  return drafts;
}

function applyReplace(req: GoModRequire, mod: GoModFile): { name: string; version: string; metadata: Record<string, string> } {
  // A version-specific replace wins over a path-wide one, as in cmd/go.
  const r =
    mod.replaces.find((x) => x.path === req.path && x.version === req.version) ??
    mod.replaces.find((x) => x.path === req.path && x.version === undefined);
  if (!r) return { name: req.path, version: req.version, metadata: {} };
  if (isLocalReplacement(r.newPath) || !r.newVersion) {
    return { name: req.path, version: DEVEL, metadata: { replacedBy: r.newPath, replacedVersion: req.version } };
  }
  return { name: r.newPath, version: r.newVersion, metadata: { replacedPath: req.path, replacedVersion: req.version } };
}

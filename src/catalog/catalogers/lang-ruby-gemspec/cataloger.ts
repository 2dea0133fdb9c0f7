import type { CatalogResult, Cataloger, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { locationOf, pathSegments, readSelectedText } from '../lang-shared/index.js';
import { gemPackageDraft } from '../lang-ruby/index.js';
import { parseGemspec } from './parse-gemspec.js';

const NAME = 'lang/gemspec';

/** Installed gems: <GEM_HOME>/specifications/*.gemspec, including specifications/default/. */
export function isInstalledGemspec(p: string): boolean {
  // Runs for every path of every layer: rule out almost all of them before splitting.
  if (!p.includes('.gemspec')) return false;
  const segs = pathSegments(p);
  if (!(segs[segs.length - 1] ?? '').endsWith('.gemspec')) return false;
  const parent = segs[segs.length - 2];
  return parent === 'specifications' || (parent === 'default' && segs[segs.length - 3] === 'specifications');
}

export const gemspecCataloger: Cataloger = {
  name: NAME,
  version: 1,
  ecosystems: ['gem'],
  reads: ['specifications/*.gemspec and specifications/default/*.gemspec of installed gems'],
  selects: isInstalledGemspec,
  selectsOnly: { extensions: ['.gemspec'] },
  async catalog(ctx): Promise<CatalogResult> {
    const packages: PackageDraft[] = [];
    // GEM_HOME (the folder holding specifications/) → gem name → draft key.
    const homes = new Map<string, Map<string, string>>();
    const deps: { key: string; home: string; names: readonly string[] }[] = [];
    for (const file of ctx.files) {
      if (file.type === 'dir' || file.type === 'other') continue;
      let facts;
      try {
        facts = parseGemspec(await readSelectedText(ctx, file, 1024 * 1024));
      } catch (error) {
        ctx.warn(`${NAME}: ${(error as Error).message}`, file.path);
        continue;
      }
      if (facts?.name === undefined) continue;
      if (facts.version === undefined) {
        ctx.warn(`${NAME}: gem ${facts.name} has no literal version`, file.path);
        continue;
      }
      const key = file.path;
      packages.push(
        gemPackageDraft({
          name: facts.name,
          version: facts.version,
          location: locationOf(file),
          key,
          licenses: facts.licenses,
          ...(facts.platform !== undefined ? { platform: facts.platform } : {}),
        }),
      );
      const segs = pathSegments(file.path);
      const at = segs.lastIndexOf('specifications');
      const home = `/${segs.slice(0, at).join('/')}`;
      const byName = homes.get(home) ?? new Map<string, string>();
      byName.set(facts.name, key);
      homes.set(home, byName);
      deps.push({ key, home, names: facts.runtimeDependencies });
    }
    const relationships: RelationshipDraft[] = [];
    for (const { key, home, names } of deps) {
      for (const name of new Set(names)) {
        const to = homes.get(home)?.get(name);
        if (to !== undefined && to !== key) relationships.push({ from: key, to, type: 'depends-on' });
      }
    }
    return { packages, relationships };
  },
};


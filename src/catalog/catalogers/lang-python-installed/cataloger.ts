import type { CatalogResult, Cataloger, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { locationOf, readSelectedText } from '../lang-shared/index.js';
import { normalizePypiName, pypiPackageDraft, requirementName } from '../lang-python/index.js';
import { metadataFile } from './metadata-file.js';
import { firstField, licensesOf, parseCoreMetadata } from './parse-core-metadata.js';

const NAME = 'lang/python-installed';
const MAX_BYTES = 8 * 1024 * 1024;

export const pythonInstalledCataloger: Cataloger = {
  name: NAME,
  version: 1,
  ecosystems: ['pypi'],
  reads: ['site-packages and dist-packages: *.dist-info/METADATA, *.egg-info/PKG-INFO, *.egg-info files'],
  selects: (p) => metadataFile(p) !== undefined,
  selectsOnly: { names: ['METADATA', 'PKG-INFO'], extensions: ['.egg-info'] },
  async catalog(ctx): Promise<CatalogResult> {
    const packages: PackageDraft[] = [];
    const requires = new Map<string, { siteDir: string; names: string[] }>();
    const bySite = new Map<string, Map<string, string>>();
    for (const file of ctx.files) {
      const which = metadataFile(file.path);
      if (which === undefined || file.type === 'dir' || file.type === 'other') continue;
      if (ctx.tree.get(file.path)?.type === 'dir') continue;
      let text: string;
      try {
        text = await readSelectedText(ctx, file, MAX_BYTES);
      } catch (error) {
        ctx.warn(`${NAME}: ${(error as Error).message}`, file.path);
        continue;
      }
      const meta = parseCoreMetadata(text);
      const name = firstField(meta, 'Name');
      if (name === undefined) {
        if (text.trim() !== '') ctx.warn(`${NAME}: core metadata without a Name field`, file.path);
        continue;
      }
      const version = firstField(meta, 'Version') ?? '';
      const key = file.path;
      packages.push(
        pypiPackageDraft({ name, version, location: locationOf(file), key, licenses: licensesOf(meta) }),
      );
      const site = bySite.get(which.siteDir) ?? new Map<string, string>();
      site.set(normalizePypiName(name), key);
      bySite.set(which.siteDir, site);
      // Requirements guarded by an extra are optional features, not dependencies.
      const names = (meta.get('requires-dist') ?? [])
        .filter((r) => !/\bextra\s*==/.test(r))
        .map(requirementName)
        .filter((n): n is string => n !== undefined);
      requires.set(key, { siteDir: which.siteDir, names });
    }
    const relationships: RelationshipDraft[] = [];
    for (const [from, { siteDir, names }] of requires) {
      const site = bySite.get(siteDir);
      for (const dep of new Set(names.map(normalizePypiName))) {
        const to = site?.get(dep);
        if (to !== undefined && to !== from) relationships.push({ from, to, type: 'depends-on' });
      }
    }
    return { packages, relationships };
  },
};

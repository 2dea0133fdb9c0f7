/**
 * The Java archive cataloger: Maven artifacts in jar, war, ear, par, sar, jpi
 * and hpi files, including archives nested inside them (WEB-INF/lib,
 * BOOT-INF/lib, …) down to four levels. Each nested archive's artifacts hang
 * from the enclosing archive's own artifact with a `contains` edge.
 *
 * Locations always name the real file in the image (so OS package ownership
 * can be checked); the path inside nested archives is in metadata.archivePath.
 */
import { BadInputError, LimitExceededError } from '../../../domain/errors.js';
import type { CatalogContext, CatalogResult, Cataloger, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { walkNestedZips } from '../../zip/walk-nested-zips.js';
import { createZipBudget } from '../../zip/zip-archive.js';
import { locationOf } from '../lang-shared/location-of.js';
import { JAVA_ARCHIVE_EXTENSION } from './archive-file-name.js';
import { identifyArchive } from './identify-archive.js';
import { reduceJavaArchive } from './reduce-java-archive.js';

const NAME = 'lang/java-archive';
const MAX_ARCHIVE_BYTES = 512 * 1024 * 1024;
const MAX_DEPTH = 4;
/** Decompressed bytes allowed per outer archive, nested ones included. */
const BUDGET_BYTES = 1024 * 1024 * 1024;

export const javaArchiveCataloger: Cataloger = {
  name: NAME,
  version: 1,
  ecosystems: ['maven'],
  reads: ['**/*.{jar,war,ear,par,sar,jpi,hpi} (pom.properties, MANIFEST.MF, nested archives)'],
  selects: (path) => JAVA_ARCHIVE_EXTENSION.test(path),
  selectsOnly: { extensions: ['.jar', '.war', '.ear', '.par', '.sar', '.jpi', '.hpi'] },
  reduce: (_path, content) => reduceJavaArchive(content, MAX_DEPTH, BUDGET_BYTES),
  async catalog(ctx: CatalogContext): Promise<CatalogResult> {
    const packages: PackageDraft[] = [];
    const relationships: RelationshipDraft[] = [];
    for (const file of ctx.files) {
      if (file.type !== 'file' && file.type !== 'hardlink') continue;
      const warn = (message: string) => ctx.warn(`${NAME}: ${message}`, file.path);
      let data: Buffer;
      try {
        const limit = Math.min(MAX_ARCHIVE_BYTES, ctx.maxFileBytes);
        const size = ctx.tree.get(file.path)?.size ?? file.size;
        if (size > limit) throw new LimitExceededError(`skipped, ${size} bytes is more than the ${limit}-byte limit`);
        data = await ctx.tree.read(file.path, limit);
      } catch (error) {
        warn((error as Error).message);
        continue;
      }
      const location = locationOf(file);
      const mains = new Map<string, string | undefined>();
      const found: PackageDraft[] = [];
      const edges: RelationshipDraft[] = [];
      try {
        walkNestedZips(
          data,
          {
            isArchive: (entry) => JAVA_ARCHIVE_EXTENSION.test(entry.name),
            maxDepth: MAX_DEPTH,
            budget: createZipBudget(BUDGET_BYTES),
            onError: (chain, error) => warn(`${chain.join('!/')}: ${error.message}`),
          },
          ({ archive, chain }) => {
            const chainId = chain.join('!/');
            const archivePath = chain.length === 0 ? file.path : `${file.path}!/${chainId}`;
            const identity = identifyArchive(archive, archivePath, location, `${file.path}#${chainId}#`, (m) =>
              warn(chain.length === 0 ? m : `${chainId}: ${m}`),
            );
            mains.set(chainId, identity.mainKey);
            found.push(...identity.packages);
            // The archive's own artifact contains the others bundled (shaded) into it.
            if (identity.mainKey) {
              for (const p of identity.packages) {
                if (p.key !== identity.mainKey) edges.push({ from: identity.mainKey, to: p.key!, type: 'contains' });
              }
            }
            const parent = chain.length > 0 ? mains.get(chain.slice(0, -1).join('!/')) : undefined;
            const child = identity.mainKey ?? undefined;
            if (parent && child) edges.push({ from: parent, to: child, type: 'contains' });
          },
        );
      } catch (error) {
        if (!(error instanceof BadInputError)) throw error;
        warn(error.message);
      }
      packages.push(...found);
      relationships.push(...edges);
    }
    return { packages, relationships };
  },
};

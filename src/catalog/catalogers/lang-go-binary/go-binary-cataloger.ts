/**
 * The Go binary cataloger: modules compiled into Go executables, read from
 * the build info the linker embeds (what `go version -m` shows).
 *
 * Candidates are executables in the usual bin directories and application
 * trees (elf/executable-paths.ts); of those, only files whose first bytes
 * show a Go ELF (go-elf-sniff.ts) are buffered. Binaries above 256 MB are skipped.
 */
import { BadInputError } from '../../../domain/errors.js';
import type { CatalogContext, CatalogResult, Cataloger, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { isExecutableCandidatePath } from '../../elf/executable-paths.js';
import { readCandidateElf } from '../../elf/read-candidate-elf.js';
import { locationOf } from '../lang-shared/location-of.js';
import { readGoBuildInfo } from './build-info.js';
import { looksLikeGoElf } from './go-elf-sniff.js';
import { goBinaryPackages } from './go-binary-packages.js';

const NAME = 'lang/go-binary';

export const goBinaryCataloger: Cataloger = {
  name: NAME,
  version: 1,
  ecosystems: ['go'],
  reads: ['ELF executables in bin directories (/usr/bin/*, /usr/local/bin/*, /go/bin/*, …) and under /app, /opt, /usr/libexec'],
  selects: () => false,
  selectsOnly: {},
  sniff: { selects: isExecutableCandidatePath, keep: looksLikeGoElf },
  async catalog(ctx: CatalogContext): Promise<CatalogResult> {
    const packages: PackageDraft[] = [];
    const relationships: RelationshipDraft[] = [];
    for (const file of ctx.files) {
      let result: CatalogResult;
      try {
        const candidate = await readCandidateElf(ctx, file);
        if (!candidate) continue;
        const info = readGoBuildInfo(candidate.data, candidate.elf);
        if (!info) continue;
        result = goBinaryPackages(info, locationOf(file));
      } catch (error) {
        ctx.warn(`${NAME}: ${error instanceof BadInputError ? error.message : `unreadable: ${(error as Error).message}`}`, file.path);
        continue;
      }
      const ns = (key: string) => `${file.path}#${key}`;
      for (const p of result.packages) packages.push({ ...p, key: ns(p.key ?? '') });
      for (const r of result.relationships ?? []) relationships.push({ ...r, from: ns(r.from), to: ns(r.to) });
    }
    return { packages, relationships };
  },
};

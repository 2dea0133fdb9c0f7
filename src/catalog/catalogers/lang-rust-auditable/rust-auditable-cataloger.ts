/**
 * The cargo-auditable cataloger: crates compiled into Rust executables, from
 * the `.dep-v0` section cargo-auditable embeds, with depends-on edges from the
 * recorded dependency indexes. Build-only crates (build scripts, proc macros)
 * are not in the binary's code: they get scope 'dev' and metadata
 * dependencyKind 'build'.
 *
 * A Rust binary shows no marker in its first bytes, so every ELF candidate
 * outside the distro's own bin directories is buffered (those are the
 * package database's, and distros do not build with cargo-auditable).
 */
import { BadInputError } from '../../../domain/errors.js';
import { formatPurl } from '../../../domain/purl.js';
import type { CatalogContext, CatalogResult, Cataloger, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { isExecutableCandidatePath } from '../../elf/executable-paths.js';
import { readCandidateElf } from '../../elf/read-candidate-elf.js';
import { locationOf } from '../lang-shared/location-of.js';
import { readDepV0 } from './dep-v0.js';

const NAME = 'lang/rust-auditable';
const DISTRO_BIN = /^\/(?:usr\/)?s?bin\/|^\/usr\/libexec\//;
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

export const rustAuditableCataloger: Cataloger = {
  name: NAME,
  version: 1,
  ecosystems: ['cargo'],
  reads: ['ELF executables in /usr/local/bin, /opt, /app, ~/.cargo/bin and other non-distro bin directories (the .dep-v0 section)'],
  selects: () => false,
  selectsOnly: {},
  sniff: {
    selects: (path) => isExecutableCandidatePath(path) && !DISTRO_BIN.test(path),
    keep: (head) => head.subarray(0, 4).equals(ELF_MAGIC),
  },
  async catalog(ctx: CatalogContext): Promise<CatalogResult> {
    const packages: PackageDraft[] = [];
    const relationships: RelationshipDraft[] = [];
    for (const file of ctx.files) {
      try {
        const candidate = await readCandidateElf(ctx, file);
        if (!candidate) continue;
        const info = readDepV0(candidate.data, candidate.elf);
        if (!info) continue;
        const key = (i: number) => `${file.path}#${i}`;
        for (const [i, p] of info.packages.entries()) {
          const build = p.kind === 'build';
          packages.push({
            key: key(i),
            ecosystem: 'cargo',
            name: p.name,
            version: p.version,
            purl: formatPurl({ type: 'cargo', name: p.name, version: p.version }),
            licenses: [],
            locations: [locationOf(file)],
            scope: build ? 'dev' : 'prod',
            metadata: {
              source: p.source,
              dependencyKind: p.kind ?? 'runtime',
              ...(p.root ? { root: true } : {}),
              ...(info.format !== undefined ? { auditableFormat: info.format } : {}),
            },
          });
          for (const d of p.dependencies ?? []) relationships.push({ from: key(i), to: key(d), type: 'depends-on' });
        }
      } catch (error) {
        ctx.warn(`${NAME}: ${error instanceof BadInputError ? error.message : `unreadable: ${(error as Error).message}`}`, file.path);
      }
    }
    return { packages, relationships };
  },
};

import type { DependencyScope } from '../../../domain/package.js';
import type { CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';

/** Production beats optional and peer, which beat dev: a package is dev only if every use is. */
const RANK: Readonly<Record<DependencyScope, number>> = { prod: 3, optional: 2, peer: 1, dev: 0 };

function rank(scope: DependencyScope | undefined): number {
  return RANK[scope ?? 'prod'];
}

/**
 * One file can install the same name@version at several places (npm's nested
 * node_modules); the inventory wants it once, in the scope of its most
 * production-like use, with every edge redirected to the survivor.
 */
export function mergeDuplicates(result: CatalogResult): CatalogResult {
  const survivors = new Map<string, PackageDraft>();
  const redirect = new Map<string, string>();
  for (const pkg of result.packages) {
    // Two sources without a registry version (different git commits) stay apart.
    const id = `${pkg.ecosystem}\0${pkg.name}\0${pkg.version}\0${pkg.purl}\0${String(pkg.metadata?.resolved ?? '')}\0${String(pkg.metadata?.commit ?? '')}`;
    const existing = survivors.get(id);
    if (existing === undefined) {
      survivors.set(id, pkg);
      continue;
    }
    if (pkg.key !== undefined && existing.key !== undefined) redirect.set(pkg.key, existing.key);
    if (rank(pkg.scope) > rank(existing.scope)) {
      const { scope: _drop, ...rest } = existing;
      survivors.set(id, pkg.scope === undefined || pkg.scope === 'prod' ? rest : { ...rest, scope: pkg.scope });
    }
  }
  const seen = new Set<string>();
  const relationships: RelationshipDraft[] = [];
  for (const rel of result.relationships ?? []) {
    const from = redirect.get(rel.from) ?? rel.from;
    const to = redirect.get(rel.to) ?? rel.to;
    const id = `${from}\0${to}\0${rel.type}`;
    if (from === to || seen.has(id)) continue;
    seen.add(id);
    relationships.push({ ...rel, from, to });
  }
  return { packages: [...survivors.values()], relationships };
}

/** The `scan --format table` view of an inventory: a header about the target, then one row per package. */
import type { Inventory } from '../domain/inventory.js';
import { renderTable } from './text-table.js';

export function renderInventoryTable(inv: Inventory): string {
  const out: string[] = [];
  const image = inv.image;
  out.push(`Target:   ${inv.target.reference}`);
  if (image) {
    out.push(`Image:    ${image.repoTags[0] ?? image.configDigest}  (${image.os}/${image.architecture}${image.variant ? `/${image.variant}` : ''})`);
    out.push(`Config:   ${image.configDigest}`);
    if (image.manifestDigest) out.push(`Manifest: ${image.manifestDigest}`);
    out.push(`User:     ${image.config.user || 'root (none set)'}`);
  }
  if (inv.distro) out.push(`OS:       ${inv.distro.prettyName ?? `${inv.distro.id} ${inv.distro.versionId ?? ''}`.trim()}`);
  const layerIndex = new Map(image?.layers.map((l) => [l.diffId, l.index]) ?? []);
  const packages = [...inv.packages].sort(
    (a, b) => a.ecosystem.localeCompare(b.ecosystem) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
  const counts = new Map<string, number>();
  for (const p of packages) counts.set(p.ecosystem, (counts.get(p.ecosystem) ?? 0) + 1);
  const summary = [...counts].map(([e, n]) => `${n} ${e}`).join(', ');
  out.push(`Packages: ${packages.length}${summary ? ` (${summary})` : ''}`);
  out.push('');
  if (packages.length > 0) {
    out.push(
      renderTable(
        ['NAME', 'VERSION', 'TYPE', 'SOURCE', 'LAYER'],
        packages.map((p) => {
          const layer = p.locations[0]?.layer;
          const index = layer ? layerIndex.get(layer) : undefined;
          return [
            p.name,
            p.version,
            p.ecosystem,
            p.source && p.source.name !== p.name ? `${p.source.name}${p.source.version && p.source.version !== p.version ? ` ${p.source.version}` : ''}` : '',
            index !== undefined ? String(index) : '',
          ];
        }),
      ),
    );
  }
  if (inv.warnings.length > 0) {
    out.push('', `Warnings (${inv.warnings.length}):`);
    for (const w of inv.warnings.slice(0, 50)) out.push(`  ${w.path ? `${w.path}: ` : ''}${w.message}`);
    if (inv.warnings.length > 50) out.push(`  … and ${inv.warnings.length - 50} more (see --format json)`);
  }
  return out.join('\n');
}

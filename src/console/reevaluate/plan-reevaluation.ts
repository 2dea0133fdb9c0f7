/**
 * Which stored images a change touches. An advisory change names
 * (ecosystem, lookup name, distro) keys: the inventory_packages index finds
 * the inventories holding such a package by its normalized name or its
 * source package (deb/rpm/apk advisories are keyed by the source), and the
 * images row maps inventories to images. Distro releases are not in the
 * index, so an image of another release is re-matched too and simply comes
 * out unchanged. CVEs whose enrichment changed reach images through
 * finding_ids. Images matched against no or another snapshot than the one
 * the change starts from are added whole, so nothing is missed.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AdvisoryChanges } from '../../advisories/store/advisory-changes.js';
import type { StoreSchema } from '../../store/schema.js';
import type { WorkItem } from './reevaluation-run.js';

type Db = Kysely<StoreSchema> | Transaction<StoreSchema>;

/** Bound parameters per IN list: far under both dialects' limits, large enough to keep round trips few. */
const IN_CHUNK = 500;

function* slices<T>(list: readonly T[], size = IN_CHUNK): Iterable<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}

function addAll(map: Map<string, Set<string>>, key: string, ids: Iterable<string>): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  for (const id of ids) set.add(id);
}

/** Byte order on both dialects (PostgreSQL would sort text by its collation). */
function sortedItems(byDigest: Map<string, Set<string>>): WorkItem[] {
  return [...byDigest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([d, ids]) => [d, [...ids].sort()] as const);
}

/** Images (with the advisory ids behind each) that an advisory change may alter. */
export async function imagesAffectedBy(db: Db, changes: AdvisoryChanges): Promise<WorkItem[]> {
  // ecosystem → lookup name → advisory ids (any distro).
  const byEcosystem = new Map<string, Map<string, Set<string>>>();
  for (const p of changes.packages) {
    let names = byEcosystem.get(p.ecosystem);
    if (!names) {
      names = new Map();
      byEcosystem.set(p.ecosystem, names);
    }
    addAll(names, p.name, p.advisories);
  }
  const byInventory = new Map<string, Set<string>>();
  for (const [ecosystem, names] of byEcosystem) {
    for (const part of slices([...names.keys()])) {
      const [direct, bySource] = await Promise.all([
        db.selectFrom('inventory_packages').select(['inventory_id', 'name_key as name']).where('ecosystem', '=', ecosystem).where('name_key', 'in', part).execute(),
        db.selectFrom('inventory_packages').select(['inventory_id', 'source_name as name']).where('ecosystem', '=', ecosystem).where('source_name', 'in', part).execute(),
      ]);
      for (const r of [...direct, ...bySource]) if (r.name !== null) addAll(byInventory, r.inventory_id, names.get(r.name) ?? []);
    }
  }
  const byDigest = new Map<string, Set<string>>();
  for (const part of slices([...byInventory.keys()])) {
    for (const r of await db.selectFrom('images').select(['digest', 'inventory_id']).where('inventory_id', 'in', part).execute()) {
      addAll(byDigest, r.digest, byInventory.get(r.inventory_id) ?? []);
    }
  }
  for (const part of slices(changes.enrichedCves)) {
    for (const r of await db.selectFrom('finding_ids').select(['digest', 'vuln_id']).where('vuln_id', 'in', part).execute()) addAll(byDigest, r.digest, [r.vuln_id]);
  }
  // Images not matched against the snapshot the change starts from: their findings are not what the diff assumes.
  let stragglers = db.selectFrom('images').select('digest');
  const from = changes.fromSnapshot;
  const to = changes.toSnapshot;
  stragglers = from === null
    ? stragglers.where((eb) => eb.or([eb('advisory_snapshot', 'is', null), eb('advisory_snapshot', '!=', to)]))
    : stragglers.where((eb) => eb.or([eb('advisory_snapshot', 'is', null), eb.and([eb('advisory_snapshot', '!=', from), eb('advisory_snapshot', '!=', to)])]));
  for (const r of await stragglers.execute()) addAll(byDigest, r.digest, []);
  return sortedItems(byDigest);
}

/** Every image whose findings were not matched against `snapshot` (after a change that could not be diffed). */
export async function imagesNotMatchedAgainst(db: Db, snapshot: string): Promise<WorkItem[]> {
  const rows = await db.selectFrom('images').select('digest').where((eb) => eb.or([eb('advisory_snapshot', 'is', null), eb('advisory_snapshot', '!=', snapshot)])).execute();
  return sortedItems(new Map(rows.map((r) => [r.digest, new Set<string>()])));
}

/** Every stored image (policy and exception changes). */
export async function allImages(db: Db): Promise<WorkItem[]> {
  const rows = await db.selectFrom('images').select('digest').execute();
  return sortedItems(new Map(rows.map((r) => [r.digest, new Set<string>()])));
}

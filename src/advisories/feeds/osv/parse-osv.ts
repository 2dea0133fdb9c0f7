/**
 * OSV records → Advisory. Ranges of type ECOSYSTEM and SEMVER are kept (GIT
 * ranges name commits, which no image carries); affected entries for
 * ecosystems Bulkhead does not model (Pub, Hex, …), without a usable range or
 * version, or with malformed events are skipped and counted, and a record
 * left with nothing matchable is stored only if it is withdrawn-free and has
 * at least one affected entry.
 */
import type { AffectedPackage, AffectedRange, Advisory, Reference, VersionEvent } from '../../../domain/advisory.js';
import type { SeverityRating } from '../../../domain/severity.js';
import { levelForText, ratingFromVector } from '../../cvss-rating.js';
import type { SkipLog } from '../../feed-batch.js';
import { normalizePackageName } from '../../package-name.js';
import { isAdvisoryId, isVersionString, RECORD_BOUNDS, truncate } from '../../record-bounds.js';
import { mapOsvEcosystem } from './osv-ecosystem.js';
import { isOsvAffectedShape, isOsvRecordShape, isOsvSeverityShape, osvAffected, osvRecord, type OsvAffectedRecord, type OsvRecord } from './osv-schema.js';

const reference = (value: unknown): Reference | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, url } = value as { type?: unknown; url?: unknown };
  if (typeof url !== 'string' || url.length > RECORD_BOUNDS.maxUrlChars) return undefined;
  return { type: typeof type === 'string' ? type.slice(0, 32) : 'WEB', url };
};

/** Who rated it, from the id's database prefix: GHSA-… → 'ghsa', RUSTSEC-… → 'rustsec'. */
function raterOf(id: string): string {
  return (/^[A-Za-z]+/.exec(id)?.[0] ?? 'osv').toLowerCase();
}

/** mapOsvEcosystem per distinct string: an archive names a handful of ecosystems thousands of times. */
const targets = new Map<string, ReturnType<typeof mapOsvEcosystem> | null>();
function targetOf(osvEcosystem: string): ReturnType<typeof mapOsvEcosystem> {
  let t = targets.get(osvEcosystem);
  if (t === undefined) {
    t = mapOsvEcosystem(osvEcosystem) ?? null;
    if (targets.size < 1024) targets.set(osvEcosystem, t);
  }
  return t ?? undefined;
}

function severities(id: string, raw: readonly unknown[] | null | undefined, dbSpecific: Record<string, unknown> | null | undefined): SeverityRating[] {
  const out: SeverityRating[] = [];
  const rater = raterOf(id);
  for (const item of raw ?? []) {
    if (!isOsvSeverityShape(item)) continue;
    const { type, score } = item;
    if (type === 'CVSS_V3' || type === 'CVSS_V4' || type === 'CVSS_V2') out.push(ratingFromVector(rater, type, score));
    else if (type === 'Ubuntu') out.push({ source: 'ubuntu', type: 'rating', level: levelForText(score) });
  }
  const text = dbSpecific?.['severity'];
  if (typeof text === 'string' && text.length < 32) out.push({ source: rater, type: 'rating', level: levelForText(text) });
  return out;
}

const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

/** Exactly one of the four keys, with a bounded printable version (checked by hand: this runs per event). */
function parseEvent(e: unknown): VersionEvent | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  let found: (typeof EVENT_KEYS)[number] | undefined;
  let version: string | undefined;
  for (const key of EVENT_KEYS) {
    const v = (e as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (found || !isVersionString(v)) return undefined;
    found = key;
    version = v;
  }
  if (version === undefined) return undefined;
  // Literal objects per key rather than a computed key: one hidden class each, no dictionary-mode objects.
  switch (found) {
    case 'introduced':
      return { introduced: version };
    case 'fixed':
      return { fixed: version };
    case 'last_affected':
      return { last_affected: version };
    default:
      return { limit: version };
  }
}

function ranges(raw: readonly { type: string; events: readonly unknown[] }[], where: () => string, log: SkipLog): AffectedRange[] | undefined {
  const out: AffectedRange[] = [];
  for (const r of raw) {
    if (r.type === 'GIT') continue;
    if (r.type !== 'ECOSYSTEM' && r.type !== 'SEMVER') {
      log.skip(`${where()}: unknown range type ${JSON.stringify(r.type)}`);
      return undefined;
    }
    const events: VersionEvent[] = [];
    for (const e of r.events) {
      const parsed = parseEvent(e);
      if (!parsed) {
        log.skip(`${where()}: malformed range event ${JSON.stringify(e)?.slice(0, 100)}`);
        return undefined;
      }
      events.push(parsed);
    }
    if (events.length > 0) out.push({ type: r.type, events });
  }
  return out;
}

function affectedPackages(id: string, raw: readonly unknown[], log: SkipLog): { affected: AffectedPackage[]; firstEcosystem?: string } {
  const out: AffectedPackage[] = [];
  let firstEcosystem: string | undefined;
  for (const item of raw) {
    const parsed = isOsvAffectedShape(item) ? { success: true as const, data: item } : osvAffected.safeParse(item);
    if (!parsed.success || !parsed.data.package) {
      log.skip(`${id}: affected entry without a valid package`);
      continue;
    }
    const data: OsvAffectedRecord = parsed.data;
    const { ecosystem: osvEcosystem, name } = parsed.data.package;
    const target = targetOf(osvEcosystem);
    // Only skip messages name the entry; most entries never need the string.
    const where = (): string => `${id} ${osvEcosystem}/${name}`;
    if (!target) {
      log.skip(`${where()}: ecosystem not modelled by Bulkhead`);
      continue;
    }
    const rs = ranges(data.ranges ?? [], where, log);
    if (!rs) continue;
    const versions: string[] = [];
    let badVersion = false;
    for (const v of data.versions ?? []) {
      if (isVersionString(v)) versions.push(v);
      else badVersion = true;
    }
    if (badVersion) {
      log.skip(`${where()}: invalid entry in versions`);
      continue;
    }
    if (rs.length === 0 && versions.length === 0) {
      log.skip(`${where()}: no ECOSYSTEM/SEMVER range and no versions`);
      continue;
    }
    firstEcosystem ??= osvEcosystem.split(':')[0];
    const dbSeverity = data.ecosystem_specific?.['urgency'] ?? data.database_specific?.['severity'];
    // Built field by field (same key order as the stored JSON always had) rather than from spread temporaries.
    const entry: Mutable<AffectedPackage> = { ecosystem: target.ecosystem } as Mutable<AffectedPackage>;
    if (target.distro) entry.distro = target.distro;
    entry.name = normalizePackageName(target.ecosystem, name);
    entry.ranges = rs;
    entry.versions = versions;
    entry.status = 'affected';
    if (typeof dbSeverity === 'string' && dbSeverity.length < 32) entry.severity = { source: raterOf(id), type: 'rating', level: levelForText(dbSeverity) };
    out.push(entry);
  }
  return { affected: out, ...(firstEcosystem ? { firstEcosystem } : {}) };
}

/** One OSV record; undefined (and a counted skip) when it is unusable. */
export function parseOsvRecord(value: unknown, log: SkipLog): Advisory | undefined {
  const parsed = isOsvRecordShape(value) ? { success: true as const, data: value } : osvRecord.safeParse(value);
  if (!parsed.success) {
    const id = typeof (value as { id?: unknown })?.id === 'string' ? (value as { id: string }).id.slice(0, 64) : '(no id)';
    log.skip(`${id}: not a valid OSV record (${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''})`);
    return undefined;
  }
  const r: OsvRecord = parsed.data;
  const { affected, firstEcosystem } = affectedPackages(r.id, r.affected ?? [], log);
  if (affected.length === 0) {
    log.skip(`${r.id}: nothing Bulkhead can match`);
    return undefined;
  }
  const cwes = r.database_specific?.['cwe_ids'];
  const references: Reference[] = [];
  for (const item of r.references ?? []) {
    const ref = reference(item);
    if (ref && references.push(ref) >= RECORD_BOUNDS.maxReferences) break;
  }
  // Field by field, in the order the stored JSON has always had.
  const a: Partial<Mutable<Advisory>> = { id: r.id, aliases: (r.aliases ?? []).filter(isAdvisoryId).slice(0, RECORD_BOUNDS.maxAliases), source: `osv:${firstEcosystem ?? 'unknown'}` };
  if (r.published) a.published = r.published;
  a.modified = r.modified;
  if (r.withdrawn) a.withdrawn = r.withdrawn;
  if (r.summary) a.summary = truncate(r.summary, RECORD_BOUNDS.maxSummaryChars);
  if (r.details) a.details = truncate(r.details, RECORD_BOUNDS.maxDetailsChars);
  a.severity = severities(r.id, r.severity, r.database_specific);
  a.cwes = Array.isArray(cwes) ? cwes.filter((c): c is string => typeof c === 'string' && /^CWE-\d{1,6}$/.test(c)).slice(0, 50) : [];
  a.affected = affected;
  a.references = references;
  return a as Advisory;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

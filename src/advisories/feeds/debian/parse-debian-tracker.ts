/**
 * The Debian Security Tracker's JSON export
 * (https://security-tracker.debian.org/tracker/data/json):
 * `{ srcpkg: { CVE-id: { description, scope, releases: { codename: { status,
 * fixed_version, urgency, nodsa, nodsa_reason, repositories } } } } }`.
 * One Advisory per CVE (or TEMP- id), one AffectedPackage per (source
 * package, release), keeping Debian's own verdict: resolved with "0" is
 * not-affected, resolved with a version is fixed there, open is unfixed
 * (will-not-fix when ignored or end-of-life, postponed when postponed).
 */
import { z } from 'zod';
import type { AffectedPackage, AffectedStatus, Advisory } from '../../../domain/advisory.js';
import type { SeverityLevel } from '../../../domain/severity.js';
import type { SkipLog } from '../../feed-batch.js';
import { advisoryId, packageName, RECORD_BOUNDS, truncate, versionString } from '../../record-bounds.js';

/** Codename → release name used in distro strings; unknown codenames are skipped. */
export const DEBIAN_RELEASES: Readonly<Record<string, string>> = {
  wheezy: 'debian-7',
  jessie: 'debian-8',
  stretch: 'debian-9',
  buster: 'debian-10',
  bullseye: 'debian-11',
  bookworm: 'debian-12',
  trixie: 'debian-13',
  forky: 'debian-14',
  duke: 'debian-15',
  sid: 'debian-unstable',
};

const release = z.object({
  status: z.enum(['resolved', 'open', 'undetermined']),
  fixed_version: versionString.optional(),
  urgency: z.string().max(64).optional(),
  nodsa: z.string().max(64).optional(),
  nodsa_reason: z.string().max(64).optional(),
});

const entry = z.object({
  description: z.string().optional(),
  scope: z.string().max(32).optional(),
  releases: z.record(z.string().max(32), z.unknown()),
});

function urgencyLevel(urgency: string | undefined): SeverityLevel {
  switch ((urgency ?? '').replace(/\*+$/, '').trim()) {
    case 'unimportant':
      return 'negligible';
    case 'low':
      return 'low';
    case 'medium':
      return 'medium';
    case 'high':
      return 'high';
    default:
      return 'unknown';
  }
}

function affectedFor(name: string, distro: string, r: z.infer<typeof release>): AffectedPackage | undefined {
  const severity = { source: 'debian', type: 'rating' as const, level: urgencyLevel(r.urgency) };
  const base = { ecosystem: 'deb' as const, distro, name, versions: [], severity };
  if (r.status === 'resolved') {
    if (!r.fixed_version) return undefined;
    if (r.fixed_version === '0') return { ...base, ranges: [], status: 'not-affected' };
    return { ...base, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: r.fixed_version }] }], status: 'affected' };
  }
  let status: AffectedStatus = r.status === 'open' ? 'unfixed' : 'undetermined';
  if (r.status === 'open') {
    if (r.nodsa_reason === 'ignored' || r.urgency === 'end-of-life') status = 'will-not-fix';
    else if (r.nodsa_reason === 'postponed') status = 'postponed';
  }
  return { ...base, ranges: [], status };
}

export function parseDebianTracker(value: unknown, origin: string, log: SkipLog): Advisory[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    log.skip(`${origin}: not a Debian tracker document (expected an object keyed by source package)`);
    return [];
  }
  const byId = new Map<string, { description?: string; affected: AffectedPackage[] }>();
  for (const [pkg, cves] of Object.entries(value)) {
    if (!packageName.safeParse(pkg).success || typeof cves !== 'object' || cves === null) {
      log.skip(`${origin}: bad source package entry ${JSON.stringify(pkg).slice(0, 80)}`);
      continue;
    }
    for (const [id, raw] of Object.entries(cves)) {
      const e = entry.safeParse(raw);
      if (!advisoryId.safeParse(id).success || !e.success) {
        log.skip(`${pkg}/${id.slice(0, 64)}: malformed tracker entry`);
        continue;
      }
      const slot = byId.get(id) ?? { affected: [] };
      if (e.data.description && !slot.description) slot.description = e.data.description;
      for (const [codename, rel] of Object.entries(e.data.releases)) {
        const distro = DEBIAN_RELEASES[codename];
        const r = release.safeParse(rel);
        if (!distro || !r.success) {
          log.skip(`${id} ${pkg} ${codename.slice(0, 32)}: ${distro ? 'malformed release entry' : 'unknown release'}`);
          continue;
        }
        const a = affectedFor(pkg, distro, r.data);
        if (a) slot.affected.push(a);
        else log.skip(`${id} ${pkg} ${codename}: resolved without a fixed version`);
      }
      if (slot.affected.length > RECORD_BOUNDS.maxAffected) {
        log.skip(`${id}: more than ${RECORD_BOUNDS.maxAffected} affected entries; the rest are dropped`);
        slot.affected.length = RECORD_BOUNDS.maxAffected;
      }
      byId.set(id, slot);
    }
  }
  const out: Advisory[] = [];
  for (const [id, slot] of byId) {
    if (slot.affected.length === 0) continue;
    out.push({
      id,
      aliases: [],
      source: 'debian-tracker',
      ...(slot.description ? { summary: truncate(slot.description, RECORD_BOUNDS.maxSummaryChars) } : {}),
      severity: [],
      cwes: [],
      affected: slot.affected,
      references: [{ type: 'ADVISORY', url: `https://security-tracker.debian.org/tracker/${id}` }],
    });
  }
  return out;
}

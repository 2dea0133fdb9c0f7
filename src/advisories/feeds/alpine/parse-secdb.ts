/**
 * Alpine secdb (secdb.alpinelinux.org/v3.19/main.json, or the older YAML of
 * alpinelinux/alpine-secdb): `packages[].pkg.{name, secfixes: {version:
 * [CVE…]}}` per release and repository. A fixed version of "0" means the CVE
 * never affected Alpine's package. The package name is the origin (source)
 * package, which is what apk matchers look up.
 */
import { z } from 'zod';
import type { AffectedPackage, Advisory } from '../../../domain/advisory.js';
import type { SkipLog } from '../../feed-batch.js';
import { packageName, versionString } from '../../record-bounds.js';

export const secdbDocument = z.object({
  distroversion: z.string().regex(/^v?\d+\.\d+$|^edge$/),
  reponame: z.string().max(64).optional(),
  packages: z.array(z.unknown()).max(200_000),
});

const secdbPackage = z.object({
  pkg: z.object({
    name: packageName,
    secfixes: z.record(z.string().max(256), z.array(z.unknown()).max(10_000).nullable()).nullish(),
  }),
});

/** 'CVE-2019-1234', 'CVE-2019-1234 CVE-2019-1235', 'XSA-123 CVE-…': the first id-like token of each word. */
const ID_TOKEN = /^(?:CVE-\d{4}-\d{4,}|[A-Z]{2,10}-\d{1,6}(?:-\d+)?|GHSA(?:-[0-9a-z]{4}){3})$/;

export function secdbRelease(distroversion: string): string {
  return distroversion === 'edge' ? 'alpine-edge' : `alpine-${distroversion.replace(/^v/, '')}`;
}

export function parseSecdb(value: unknown, origin: string, log: SkipLog): { advisories: Advisory[]; release: string; repo: string } | undefined {
  const doc = secdbDocument.safeParse(value);
  if (!doc.success) {
    log.skip(`${origin}: not an Alpine secdb document`);
    return undefined;
  }
  const distro = secdbRelease(doc.data.distroversion);
  const byId = new Map<string, { affected: AffectedPackage[]; aliases: Set<string> }>();
  for (const raw of doc.data.packages) {
    const p = secdbPackage.safeParse(raw);
    if (!p.success) {
      log.skip(`${origin}: malformed package entry`);
      continue;
    }
    const { name, secfixes } = p.data.pkg;
    for (const [fixed, ids] of Object.entries(secfixes ?? {})) {
      if (!versionString.safeParse(fixed).success) {
        log.skip(`${origin} ${name}: invalid fixed version ${JSON.stringify(fixed).slice(0, 64)}`);
        continue;
      }
      for (const item of ids ?? []) {
        if (typeof item !== 'string') continue;
        // 'CVE-2017-8904 XSA-214' names one flaw twice: the first id is the advisory, the rest its aliases.
        const [id, ...aliases] = item.split(/\s+/).filter((w) => ID_TOKEN.test(w));
        if (id) {
          const affected: AffectedPackage =
            fixed === '0'
              ? { ecosystem: 'apk', distro, name, ranges: [], versions: [], status: 'not-affected' }
              : { ecosystem: 'apk', distro, name, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }], versions: [], status: 'affected' };
          const slot = byId.get(id) ?? { affected: [], aliases: new Set<string>() };
          slot.affected.push(affected);
          for (const a of aliases) slot.aliases.add(a);
          byId.set(id, slot);
        }
      }
    }
  }
  const advisories = [...byId].map(
    ([id, { affected, aliases }]): Advisory => ({ id, aliases: [...aliases], source: 'alpine-secdb', severity: [], cwes: [], affected, references: [] }),
  );
  return { advisories, release: doc.data.distroversion, repo: doc.data.reponame ?? 'main' };
}

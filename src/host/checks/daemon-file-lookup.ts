/** Finds which candidate path of a Docker file exists on the audited host. */
import { DAEMON_FILES } from '../facts/daemon-files.js';
import type { DaemonFileKey } from '../facts/daemon-files.js';
import type { FileFact } from '../facts/file-facts.js';
import { fileFact } from '../facts/host-facts.js';
import type { HostFacts } from '../facts/host-facts.js';
import type { Known } from '../facts/known.js';

/** The existing file (value), undefined when none exists, or why none could be examined. */
export function lookupDaemonFile(facts: HostFacts, key: DaemonFileKey): Known<FileFact | undefined> {
  const candidates = DAEMON_FILES.find((f) => f.key === key)?.candidates ?? [];
  const reasons: string[] = [];
  for (const candidate of candidates) {
    const fact = fileFact(facts, candidate);
    if (!fact.ok) reasons.push(fact.reason);
    else if (fact.value) return fact;
  }
  return reasons.length > 0 ? { ok: false, reason: reasons.join('; ') } : { ok: true, value: undefined };
}

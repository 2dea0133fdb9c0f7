/** Turns a secret match into a Finding: redacted, with its file, layer and line or config field. */
import type { Finding, FindingLocation } from '../../domain/finding.js';
import { redact } from './redact.js';
import type { SecretRule } from './secret-rule.js';

export const SECRETS_SOURCE = 'bulkhead/secrets';

export function secretFinding(rule: Pick<SecretRule, 'id' | 'title' | 'severity'>, secret: string, location: FindingLocation): Finding {
  const shown = redact(secret);
  const where = location.path ? `${location.path}${location.line ? `:${location.line}` : ''}` : (location.field ?? 'image');
  return {
    kind: 'secret',
    id: rule.id,
    aliases: [],
    severity: rule.severity,
    ratings: [],
    fixedVersions: [],
    status: 'undetermined',
    summary: `${rule.title} in ${where}${location.layer ? ` (layer ${location.layer.slice(0, 19)})` : ''}: ${shown}`,
    references: [],
    evidence: { source: SECRETS_SOURCE, matchedBy: 'direct', lookupName: rule.id, detail: shown },
    location,
  };
}

/**
 * The stable key of a finding within one image (findings.key): the same
 * problem found again on a later match gets the same key, so new and
 * resolved findings are a set difference. Kind, id, the package (ecosystem,
 * name, version and where it sits) and, for secrets and configuration, the
 * location.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../../domain/finding.js';

const MAX_KEY = 512;

export function findingKey(f: Finding): string {
  const p = f.package;
  const pkg = p ? `${p.ecosystem}/${p.name}@${p.version}${p.path ? ` ${p.path}` : ''}` : '';
  const l = f.location;
  const where = l ? [l.path ?? '', l.line ?? '', l.field ?? '', l.layer ?? ''].join(':') : '';
  const key = `${f.kind}|${f.id}|${pkg}|${where}`;
  // Readable when it fits; a long path or field keeps its prefix and a hash of the whole.
  return key.length <= MAX_KEY ? key : `${key.slice(0, MAX_KEY - 66)}#${createHash('sha256').update(key).digest('hex')}`;
}

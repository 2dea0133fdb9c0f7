/**
 * Runs the secret rules over one text: a keyword prefilter on the raw bytes
 * decides which rules' regexes run at all, so most files cost a few
 * substring searches and no decoding.
 */
import { shannonEntropy } from './shannon-entropy.js';
import type { SecretAllowList } from './secret-allow-list.js';
import type { SecretRule } from './secret-rule.js';

export interface SecretMatch {
  readonly rule: SecretRule;
  /** The raw secret: callers must redact it before it leaves the scanner. */
  readonly secret: string;
  /** 1-based. */
  readonly line: number;
}

/** A file yielding more matches than this is reported up to here (a key dump, a token list). */
export const MAX_MATCHES_PER_TEXT = 50;

/** Default entropy floor (bits per character) of a secret. */
export const MIN_ENTROPY = 2;

/** Keywords as bytes, encoded once: Buffer.includes(string) would encode on every call. */
const keywordBytes = new Map<string, Buffer>();
function bytesOf(keyword: string): Buffer {
  let bytes = keywordBytes.get(keyword);
  if (!bytes) {
    bytes = Buffer.from(keyword);
    keywordBytes.set(keyword, bytes);
  }
  return bytes;
}

export function scanText(content: Buffer | string, rules: readonly SecretRule[], allow: SecretAllowList): SecretMatch[] {
  const seen = new Map<string, boolean>();
  const has = (keyword: string): boolean => {
    let hit = seen.get(keyword);
    if (hit === undefined) {
      hit = typeof content === 'string' ? content.includes(keyword) : content.includes(bytesOf(keyword));
      seen.set(keyword, hit);
    }
    return hit;
  };
  const candidates = rules.filter((rule) => !allow.rule(rule.id) && rule.keywords.some(has));
  if (candidates.length === 0) return [];

  const text = typeof content === 'string' ? content : content.toString('utf8');
  let newlines: number[] | undefined;
  const lineAt = (index: number): number => {
    if (!newlines) {
      newlines = [];
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) newlines.push(at);
    }
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((newlines[mid] as number) < index) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };

  const matches: SecretMatch[] = [];
  for (const rule of candidates) {
    const pattern = new RegExp(rule.pattern.source, rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`);
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      if (m[0].length === 0) pattern.lastIndex++;
      const secret = m.groups?.secret ?? m[0];
      // Without a rule-specific floor, still drop runs like glpat-xxxxxxxxxxxxxxxxxxxx (documentation placeholders).
      if (shannonEntropy(secret) < (rule.minEntropy ?? MIN_ENTROPY)) continue;
      if (rule.allowValues?.some((re) => re.test(secret)) || allow.value(secret)) continue;
      if (rule.validate && !rule.validate(secret)) continue;
      matches.push({ rule, secret, line: lineAt(m.index) });
      if (matches.length >= MAX_MATCHES_PER_TEXT) break;
    }
    if (matches.length >= MAX_MATCHES_PER_TEXT) break;
  }
  const specific = matches.filter((m) => !m.rule.fallback);
  return matches.filter((m) => !m.rule.fallback || !specific.some((s) => s.line === m.line && (s.secret.includes(m.secret) || m.secret.includes(s.secret))));
}

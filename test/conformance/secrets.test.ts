/**
 * Secret rules against ../shared/testdata/secrets/gitleaks.toml: every
 * gitleaks family our rules claim exists upstream, and for each claimed
 * family a sample token of that format is matched both by gitleaks' own
 * regex (run in JS where it translates) and by our rule. The covered
 * families are listed in docs/checks.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BUILTIN_SECRET_RULES } from '../../src/checks/secrets/builtin-rules.js';
import { scanText } from '../../src/checks/secrets/scan-text.js';
import { compileSecretAllowList } from '../../src/checks/secrets/secret-allow-list.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = path.resolve(repoRoot, '../shared/testdata/secrets/gitleaks.toml');
const present = existsSync(file);
if (!present && process.env.CI === 'true') throw new Error(`conformance data missing at ${file}; CI must have ../shared/testdata`);
if (!present) console.warn(`skipping secrets conformance: ${file} not found`);

const gitleaksSchema = z.object({ rules: z.array(z.object({ id: z.string(), regex: z.string().optional(), keywords: z.array(z.string()).optional() })) });

/** Go RE2 → JS where the translation is mechanical; undefined where it is not (inline flag groups). */
function toJs(regex: string): RegExp | undefined {
  let source = regex;
  let flags = '';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags = 'i';
  }
  if (/\(\?[-a-z]+[:)]/.test(source)) return undefined;
  try {
    return new RegExp(source.replace(/\\z/g, '$'), flags);
  } catch {
    return undefined;
  }
}

// Pseudo-random alphanumerics, so samples are token-shaped without being anyone's token.
function random(alphabet: string, length: number, seed: number): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
    out += alphabet[(x >>> 16) % alphabet.length];
  }
  return out;
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** One sample per claimed gitleaks family, in that family's format. */
const SAMPLES: Record<string, string> = {
  'private-key': `-----BEGIN RSA PRIVATE KEY-----\n${random(ALNUM, 64, 1)}\n${random(ALNUM, 64, 2)}\n-----END RSA PRIVATE KEY-----`,
  'aws-access-token': `key = AKIA${random(UPPER32, 16, 3)} `,
  'azure-ad-client-secret': ` abc8Q~${random(ALNUM, 34, 4)} `,
  'github-pat': `ghp_${random(ALNUM, 36, 5)}`,
  'github-fine-grained-pat': `github_pat_${random(ALNUM, 82, 6)}`,
  'github-oauth': `gho_${random(ALNUM, 36, 7)}`,
  'github-app-token': `ghs_${random(ALNUM, 36, 8)}`,
  'github-refresh-token': `ghr_${random(ALNUM, 36, 9)}`,
  'gitlab-pat': `glpat-${random(ALNUM, 20, 10)}`,
  'gitlab-pat-routable': `glpat-${random(ALNUM, 27, 11)}.${random('abcdefghijklmnopqrstuvwxyz0123456789', 9, 12)}`,
  'slack-bot-token': `xoxb-${random('0123456789', 12, 13)}-${random('0123456789', 13, 14)}-${random(ALNUM, 24, 15)}`,
  'slack-user-token': `xoxp-${random('0123456789', 12, 16)}-${random('0123456789', 12, 17)}-${random('0123456789', 12, 18)}-${random('abcdef0123456789', 32, 19)}`,
  'slack-app-token': `xapp-1-A${random(UPPER32, 10, 20)}-${random('0123456789', 13, 21)}-${random('abcdef0123456789', 64, 22)}`,
  'slack-legacy-token': `xoxs-${random('0123456789', 10, 23)}-${random('0123456789', 10, 24)}-${random('0123456789', 10, 25)}-${random('abcdef0123456789', 10, 26)}`,
  'slack-legacy-bot-token': `xoxb-${random('0123456789', 10, 27)}-${random(ALNUM, 24, 28)}`,
  'slack-legacy-workspace-token': `xoxa-2-${random('0123456789', 10, 29)}-${random(ALNUM, 20, 30)}`,
  'slack-config-access-token': `xoxe.xoxp-1-${random(ALNUM, 163, 31)}`,
  'slack-config-refresh-token': `xoxe-1-${random(ALNUM, 146, 32)}`,
  'slack-webhook-url': `https://hooks.slack.com/services/T${random(UPPER32, 8, 33)}/B${random(UPPER32, 8, 34)}/${random(ALNUM, 24, 35)}`,
  'stripe-access-token': `sk_live_${random(ALNUM, 24, 36)}`,
  'npm-access-token': `npm_${random(ALNUM, 36, 37).toLowerCase()}`,
  'pypi-upload-token': `pypi-AgEIcHlwaS5vcmc${random(ALNUM, 60, 38)}`,
  jwt: `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"1234567890","name":"Jane"}').toString('base64url')}.${random(ALNUM, 43, 39)}`,
  'curl-auth-user': `curl -u admin:${random(ALNUM, 12, 40)} https://admin:${random(ALNUM, 12, 40)}@api.example.com`,
  'generic-api-key': `api_key = "${random(ALNUM, 24, 41)}7"`,
};

describe.skipIf(!present)('secret rules vs gitleaks rule families', () => {
  const upstream = present ? gitleaksSchema.parse(parse(readFileSync(file, 'utf8'))).rules : [];
  const byId = new Map(upstream.map((r) => [r.id, r]));
  const claimed = BUILTIN_SECRET_RULES.flatMap((rule) => rule.gitleaks.map((family) => [family, rule] as const));
  const allow = compileSecretAllowList();

  it('every claimed family exists upstream and has a sample', () => {
    expect(claimed.map(([family]) => family).filter((f) => !byId.has(f))).toEqual([]);
    expect(claimed.map(([family]) => family).filter((f) => !(f in SAMPLES))).toEqual([]);
  });

  it.each(claimed.map(([family, rule]) => [family, rule.id, rule] as const))('%s: gitleaks and %s both match the sample', (family, _id, rule) => {
    const sample = SAMPLES[family] as string;
    const theirs = toJs(byId.get(family)?.regex ?? '');
    // Where gitleaks' regex translates to JS, it confirms the sample is that family's format.
    if (theirs) expect(theirs.test(sample), `gitleaks ${family} regex on its sample`).toBe(true);
    expect(scanText(Buffer.from(`${sample}\n`), [rule], allow).map((m) => m.rule.id)).toContain(rule.id);
  });

  it('reports coverage', () => {
    const covered = new Set(claimed.map(([family]) => family));
    const families = new Set(upstream.map((r) => r.id.replace(/-(?:api|access|secret|client|personal|user|org|service|app|oauth|refresh|bot|config|legacy|workspace)[-a-z]*$/, '')));
    console.info(`gitleaks: ${upstream.length} rules in ${families.size} vendor families; Bulkhead covers ${covered.size} rules: ${[...covered].sort().join(', ')}`);
    expect(covered.size).toBeGreaterThanOrEqual(20);
  });
});

import { describe, expect, it } from 'vitest';
import { BUILTIN_SECRET_RULES } from './builtin-rules.js';
import { scanText } from './scan-text.js';
import { compileSecretAllowList } from './secret-allow-list.js';

/** Deterministic pseudo-random text over an alphabet, so tokens have realistic entropy without real secrets in the source. */
function random(alphabet: string, length: number, seed: number): string {
  let x = seed >>> 0 || 1;
  let out = '';
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += alphabet[(x >>> 0) % alphabet.length];
  }
  return out;
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64 = `${ALNUM}+/`;
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const pem = (kind: string, headers = ''): string =>
  `-----BEGIN ${kind}PRIVATE KEY-----\n${headers}${random(B64, 64, 7)}\n${random(B64, 64, 8)}\n-----END ${kind}PRIVATE KEY-----\n`;
const jwtPart = (json: object): string => Buffer.from(JSON.stringify(json)).toString('base64url');
const jwt = `${jwtPart({ alg: 'HS256', typ: 'JWT' })}.${jwtPart({ sub: '1234567890', name: 'John Doe', iat: 1516239022 })}.${random(ALNUM, 43, 9)}`;

/** Per rule: texts that must produce exactly that rule's finding, and near misses that must not. */
const CASES: Record<string, { positive: string[]; negative: string[] }> = {
  'private-key': {
    positive: [pem('RSA '), pem('EC '), pem(''), pem('OPENSSH '), pem('ENCRYPTED '), pem('RSA ', 'Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF\n\n'), pem('PGP ', 'Version: GnuPG v2\n\n').replace(/KEY-----/g, 'KEY BLOCK-----')],
    negative: ['#define PEM_STRING_RSA "-----BEGIN RSA PRIVATE KEY-----"', '-----BEGIN PUBLIC KEY-----\n' + random(B64, 64, 3), '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----'],
  },
  'aws-access-key-id': {
    positive: [`aws_access_key_id = AKIA${random(UPPER32, 16, 11)}`, `"AccessKeyId": "ASIA${random(UPPER32, 16, 12)}"`],
    negative: ['aws_access_key_id = AKIAIOSFODNN7EXAMPLE', `AKIA${random(UPPER32, 15, 13)}`, `XAKIA${random(UPPER32, 16, 14)}`, `akia${random(UPPER32, 16, 15).toLowerCase()}`],
  },
  'aws-secret-access-key': {
    positive: [`aws_secret_access_key = ${random(ALNUM + '/+', 40, 21)}`, `AWS_SECRET_ACCESS_KEY="${random(ALNUM + '/+', 40, 22)}"`],
    negative: ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `aws_secret_access_key = ${random(ALNUM, 39, 23)}`, 'aws_secret_access_key = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
  },
  'gcp-service-account-key': {
    positive: [`{"type": "service_account", "project_id": "p", "private_key_id": "abc", "private_key": "-----BEGIN PRIVATE KEY-----\\n${random(B64, 64, 31)}\\n${random(B64, 40, 32)}\\n-----END PRIVATE KEY-----\\n"}`],
    negative: ['{"type": "service_account", "private_key": ""}', '{"private_key": "-----BEGIN PRIVATE KEY-----\\n<redacted>\\n"}'],
  },
  'azure-storage-account-key': {
    positive: [`DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${random(B64, 86, 41)}==;EndpointSuffix=core.windows.net`],
    negative: [
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;',
      'AccountKey=<your-account-key>',
    ],
  },
  'azure-ad-client-secret': {
    positive: [`client_secret: abc8Q~${random(ALNUM, 34, 42)}`],
    negative: [`abc8Q~${random(ALNUM, 20, 43)}`, `see ~/Q~ folder`],
  },
  'github-pat': { positive: [`token: ghp_${random(ALNUM, 36, 51)}`], negative: [`ghp_${random(ALNUM, 35, 52)}`, `ghp_${random(ALNUM, 40, 53)}`, 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'] },
  'github-fine-grained-pat': { positive: [`github_pat_${random(ALNUM + '_', 82, 54)}`], negative: [`github_pat_${random(ALNUM, 30, 55)}`] },
  'github-oauth-token': { positive: [`gho_${random(ALNUM, 36, 56)}`], negative: [`gho_${random(ALNUM, 20, 57)}`] },
  'github-app-token': { positive: [`ghs_${random(ALNUM, 36, 58)}`, `ghu_${random(ALNUM, 36, 59)}`], negative: [`ghx_${random(ALNUM, 36, 60)}`] },
  'github-refresh-token': { positive: [`ghr_${random(ALNUM, 36, 61)}`], negative: [`ghr_${random(ALNUM, 12, 62)}`] },
  'gitlab-pat': { positive: [`GITLAB_TOKEN glpat-${random(ALNUM + '-_', 20, 63)}`], negative: [`glpat-${random(ALNUM, 12, 64)}`, 'glpat-xxxxxxxxxxxxxxxxxxxx'] },
  'slack-token': {
    positive: [`xoxb-${random('0123456789', 12, 65)}-${random('0123456789', 13, 66)}-${random(ALNUM, 24, 67)}`, `xoxp-${random('0123456789', 11, 68)}-${random('0123456789', 12, 69)}-${random('0123456789', 12, 70)}-${random('abcdef0123456789', 32, 71)}`],
    negative: ['SLACK_TOKEN=xoxb-your-bot-token-here', 'xoxb-123-abc'],
  },
  'slack-webhook-url': {
    positive: [`https://hooks.slack.com/services/T${random(UPPER32, 8, 72)}/B${random(UPPER32, 8, 73)}/${random(ALNUM, 24, 74)}`],
    negative: ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'https://hooks.slack.com/services/'],
  },
  'stripe-live-key': { positive: [`sk_live_${random(ALNUM, 24, 75)}`, `rk_live_${random(ALNUM, 99, 76)}`], negative: [`sk_test_${random(ALNUM, 24, 77)}`, `pk_live_${random(ALNUM, 24, 78)}`] },
  'npm-access-token': { positive: [`//registry.npmjs.org/:_authToken npm_${random(ALNUM, 36, 79)}`], negative: ['npm_config_registry=https://registry.npmjs.org', 'npm_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'] },
  'npmrc-auth-token': { positive: [`//registry.example.org/:_authToken=${random(ALNUM, 30, 80)}`], negative: ['//registry.npmjs.org/:_authToken=${NPM_TOKEN}'] },
  'pypi-upload-token': { positive: [`password = pypi-AgEIcHlwaS5vcmc${random(ALNUM + '-_', 120, 81)}`], negative: [`pypi-AgEIcHlwaS5vcmc${random(ALNUM, 10, 82)}`, 'pip install pypi-simple'] },
  'dockerhub-token': { positive: [`docker login -u me -p dckr_pat_${random(ALNUM + '-_', 27, 83)}`], negative: ['dckr_pat_short', 'dckr_pat_<token>'] },
  jwt: { positive: [`Authorization: Bearer ${jwt}`], negative: [`eyJhbGciOiJIUzI1NiJ9`, `eyJub3QiOiJqd3QifQ.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${random(ALNUM, 20, 84)}`] },
  'url-password': {
    positive: [`DATABASE_URL=postgres://app:${random(ALNUM, 16, 85)}@db.internal:5432/app`, `git clone https://bob:${random(ALNUM, 12, 86)}@git.example.com/repo.git`],
    negative: ['postgres://app:${DB_PASSWORD}@db/app', 'https://user:password@example.com', 'https://example.com/a:b@c', 'mailto:someone@example.com', 'http://[::1]:8080/'],
  },
  'generic-password': {
    positive: [`db_password = "${random(ALNUM, 14, 87)}"`, `API_KEY: ${random(ALNUM, 32, 88)}`, `"client_secret": "${random(ALNUM, 24, 89)}"`],
    negative: ['password = get_password()', 'password = None', 'password: ${PASSWORD}', 'token = self.tokenizer.next', 'password = "hunter"', 'PASSWORD=changeme', 'password_length = 12', 'secret = "aaaaaaaa1"'],
  },
};

describe('built-in secret rules', () => {
  const allow = compileSecretAllowList();
  it('every rule has positive and negative examples', () => {
    expect(Object.keys(CASES).sort()).toEqual(BUILTIN_SECRET_RULES.map((r) => r.id).sort());
  });
  for (const rule of BUILTIN_SECRET_RULES) {
    describe(rule.id, () => {
      const cases = CASES[rule.id] ?? { positive: [], negative: [] };
      it.each(cases.positive.map((t, i) => [i, t]))('finds positive #%i', (_i, text) => {
        const ids = scanText(Buffer.from(`first line\n${text}\n`), [rule], allow).map((m) => [m.rule.id, m.line]);
        expect(ids).toEqual([[rule.id, 2]]);
      });
      it.each(cases.negative.map((t, i) => [i, t]))('ignores negative #%i', (_i, text) => {
        expect(scanText(Buffer.from(text), [rule], allow)).toEqual([]);
      });
      it('keywords prefilter: every positive contains a keyword', () => {
        for (const text of cases.positive) expect(rule.keywords.some((k) => text.includes(k))).toBe(true);
      });
    });
  }
});

describe('bad input', () => {
  const allow = compileSecretAllowList();
  const N = 200_000;
  const adversarial: Record<string, string> = {
    'token characters': 'ghp_'.repeat(N / 4) + 'a'.repeat(N),
    'JWT-like runs': `eyJ${'a'.repeat(N)}.eyJ${'b'.repeat(N)}`,
    'JWT starts': 'eyJ'.repeat(N / 3),
    'PEM header lines': `-----BEGIN RSA PRIVATE KEY-----\n${'Proc-Type: x\n'.repeat(N / 12)}`,
    'URL without host': `https://${'u'.repeat(N)}:${'p'.repeat(N)}`,
    'URL schemes': 'a://'.repeat(N / 4),
    'URL colons': `http://${'a:'.repeat(N / 2)}`,
    'assignment runs': `password=${'a1'.repeat(N)}`,
    'keyword runs': 'passwordpassword'.repeat(N / 16),
    'quoted assignments': `secret = "${'x'.repeat(N)}`,
    'AWS secret': `aws_secret_access_key=${'A'.repeat(N)}`,
    'Azure': `AccountKey=${'A'.repeat(N)}`,
    'Slack': `xoxb-${'1'.repeat(N)}`,
  };
  it.each(Object.entries(adversarial))('scans %s in linear time', (_name, text) => {
    const started = performance.now();
    scanText(Buffer.from(text), BUILTIN_SECRET_RULES, allow);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('reports line numbers in invalid UTF-8 and CRLF text', () => {
    const token = `ghp_${random(ALNUM, 36, 99)}`;
    const text = Buffer.concat([Buffer.from('a\r\n\xff\xfe broken \xc3\r\n', 'latin1'), Buffer.from(`t=${token}\r\n`)]);
    expect(scanText(text, BUILTIN_SECRET_RULES, allow).map((m) => [m.rule.id, m.line])).toEqual([['github-pat', 3]]);
  });

  it('caps the findings of one text', () => {
    const many = Array.from({ length: 500 }, (_, i) => `ghp_${random(ALNUM, 36, 1000 + i)}`).join('\n');
    expect(scanText(Buffer.from(many), BUILTIN_SECRET_RULES, allow).length).toBe(50);
  });
});

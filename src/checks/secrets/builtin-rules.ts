/**
 * Bulkhead's own secret rules. Patterns are written for V8's backtracking
 * engine: every repeat is bounded or over a class the next token cannot
 * start with, and token starts are anchored by a lookbehind so a long run of
 * token characters is scanned once, not once per position.
 */
import type { SecretRule } from './secret-rule.js';

/** Not preceded by a token character. */
const START = '(?<![A-Za-z0-9_-])';
/** Not followed by a token character. */
const END = '(?![A-Za-z0-9_-])';

function decodesToJwtHeader(token: string): boolean {
  const header = token.slice(0, token.indexOf('.'));
  try {
    const json: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof json === 'object' && json !== null && 'alg' in json;
  } catch {
    return false;
  }
}

export const BUILTIN_SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    title: 'Private key (PEM: RSA, EC, DSA, PKCS#8, OpenSSH, PGP)',
    severity: 'critical',
    keywords: ['-----BEGIN'],
    // Header, optional RFC 1421/4880 header lines, then at least 40 base64 characters of key body.
    pattern:
      /-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP|SSH2 ENCRYPTED) )?PRIVATE KEY(?: BLOCK)?-----\r?\n(?:[A-Za-z-]{1,40}: [^\r\n]{0,200}\r?\n){0,6}\r?\n?(?<secret>[A-Za-z0-9+/=]{40,})/g,
    gitleaks: ['private-key'],
  },
  {
    id: 'aws-access-key-id',
    title: 'AWS access key id',
    severity: 'high',
    keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
    pattern: new RegExp(`${START}(?<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})${END}`, 'g'),
    allowValues: [/EXAMPLE$/],
    gitleaks: ['aws-access-token'],
  },
  {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    severity: 'critical',
    keywords: ['aws_secret', 'AWS_SECRET', 'secret_access_key', 'SECRET_ACCESS_KEY', 'SecretAccessKey', 'secretAccessKey', 'aws-secret'],
    pattern: /(?:aws_?secret_?access_?key|AWS_?SECRET_?ACCESS_?KEY|aws_?secret|AWS_?SECRET|aws-secret-access-key|secret_?access_?key|SECRET_?ACCESS_?KEY|SecretAccessKey|secretAccessKey)["']?[ \t]{0,4}(?:=|:|=>)[ \t]{0,4}["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g,
    minEntropy: 3.5,
    allowValues: [/EXAMPLEKEY$/],
    gitleaks: [],
  },
  {
    id: 'gcp-service-account-key',
    title: 'Google Cloud service account key (JSON)',
    severity: 'critical',
    keywords: ['"private_key"'],
    // In the JSON key file the PEM's newlines are the two characters '\n'.
    pattern: /"private_key"[ \t]{0,4}:[ \t]{0,4}"-----BEGIN PRIVATE KEY-----\\n(?<secret>[A-Za-z0-9+/=]{40,})/g,
    gitleaks: [],
  },
  {
    id: 'azure-storage-account-key',
    title: 'Azure storage account key (connection string)',
    severity: 'critical',
    keywords: ['AccountKey='],
    pattern: /AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)/g,
    // Azurite / storage emulator key, published in Microsoft's documentation.
    allowValues: [/^Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq\/K1SZFPTOtr\/KBHBeksoGMGw==$/],
    gitleaks: [],
  },
  {
    id: 'azure-ad-client-secret',
    title: 'Azure AD (Entra ID) client secret',
    severity: 'high',
    keywords: ['Q~'],
    pattern: /(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/g,
    gitleaks: ['azure-ad-client-secret'],
  },
  {
    id: 'github-pat',
    title: 'GitHub personal access token (classic)',
    severity: 'critical',
    keywords: ['ghp_'],
    pattern: new RegExp(`${START}(?<secret>ghp_[A-Za-z0-9]{36})${END}`, 'g'),
    gitleaks: ['github-pat'],
  },
  {
    id: 'github-fine-grained-pat',
    title: 'GitHub fine-grained personal access token',
    severity: 'critical',
    keywords: ['github_pat_'],
    pattern: new RegExp(`${START}(?<secret>github_pat_[A-Za-z0-9_]{82})${END}`, 'g'),
    gitleaks: ['github-fine-grained-pat'],
  },
  {
    id: 'github-oauth-token',
    title: 'GitHub OAuth access token',
    severity: 'critical',
    keywords: ['gho_'],
    pattern: new RegExp(`${START}(?<secret>gho_[A-Za-z0-9]{36})${END}`, 'g'),
    gitleaks: ['github-oauth'],
  },
  {
    id: 'github-app-token',
    title: 'GitHub App user-to-server or installation token',
    severity: 'critical',
    keywords: ['ghu_', 'ghs_'],
    pattern: new RegExp(`${START}(?<secret>gh[us]_[A-Za-z0-9]{36})${END}`, 'g'),
    gitleaks: ['github-app-token'],
  },
  {
    id: 'github-refresh-token',
    title: 'GitHub refresh token',
    severity: 'high',
    keywords: ['ghr_'],
    pattern: new RegExp(`${START}(?<secret>ghr_[A-Za-z0-9]{36,76})${END}`, 'g'),
    gitleaks: ['github-refresh-token'],
  },
  {
    id: 'gitlab-pat',
    title: 'GitLab personal, project or group access token',
    severity: 'critical',
    keywords: ['glpat-'],
    // Routable tokens end in '.' and 9 lowercase alphanumerics.
    pattern: new RegExp(`${START}(?<secret>glpat-[A-Za-z0-9_-]{20,300}(?:\\.[0-9a-z]{9})?)${END}`, 'g'),
    gitleaks: ['gitlab-pat', 'gitlab-pat-routable'],
  },
  {
    id: 'slack-token',
    title: 'Slack bot, user, app or legacy token',
    severity: 'high',
    keywords: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxe-', 'xoxo-', 'xoxr-', 'xoxs-', 'xapp-'],
    // Real Slack tokens carry a numeric team/user section; documentation's 'xoxb-your-token' does not.
    // Configuration tokens (xoxe.xoxp-1-…, xoxe-1-…) are long runs without the numeric section.
    pattern: new RegExp(
      `${START}(?<secret>xox[abeoprs]-(?:\\d-)?\\d{6,14}-[A-Za-z0-9-]{8,250}|xapp-\\d-[A-Z0-9]{8,16}-\\d{8,16}-[a-z0-9]{32,80}|xoxe\\.xox[bp]-\\d-[A-Za-z0-9]{163,166}|xoxe-\\d-[A-Za-z0-9]{146})${END}`,
      'g',
    ),
    gitleaks: ['slack-bot-token', 'slack-user-token', 'slack-app-token', 'slack-legacy-token', 'slack-legacy-bot-token', 'slack-legacy-workspace-token', 'slack-config-access-token', 'slack-config-refresh-token'],
  },
  {
    id: 'slack-webhook-url',
    title: 'Slack incoming webhook URL',
    severity: 'high',
    keywords: ['hooks.slack.com'],
    pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/(?<secret>T[A-Z0-9]{6,12}\/[A-Z0-9]{6,12}\/[A-Za-z0-9]{20,40})(?![A-Za-z0-9])/g,
    // Slack's documentation example.
    allowValues: [/\/X{20,}$/, /^T0{6,}\//],
    gitleaks: ['slack-webhook-url'],
  },
  {
    id: 'stripe-live-key',
    title: 'Stripe live secret or restricted key',
    severity: 'critical',
    keywords: ['sk_live_', 'rk_live_'],
    pattern: new RegExp(`${START}(?<secret>[sr]k_live_[A-Za-z0-9]{20,247})${END}`, 'g'),
    gitleaks: ['stripe-access-token'],
  },
  {
    id: 'npm-access-token',
    title: 'npm access token',
    severity: 'high',
    keywords: ['npm_'],
    pattern: new RegExp(`${START}(?<secret>npm_[A-Za-z0-9]{36})${END}`, 'g'),
    minEntropy: 3,
    gitleaks: ['npm-access-token'],
  },
  {
    id: 'npmrc-auth-token',
    title: 'Registry auth token in an .npmrc',
    severity: 'high',
    keywords: [':_authToken=', ':_auth='],
    // `${NPM_TOKEN}` references are the recommended practice, not a secret.
    pattern: /:_auth(?:Token)?=(?<secret>[^\s$"'][^\s"']{7,500})/g,
    gitleaks: [],
  },
  {
    id: 'pypi-upload-token',
    title: 'PyPI upload token',
    severity: 'high',
    keywords: ['pypi-AgEIcHlwaS5vcmc', 'pypi-AgENdGVzdC5weXBpLm9yZw'],
    pattern: new RegExp(`${START}(?<secret>pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000})${END}`, 'g'),
    gitleaks: ['pypi-upload-token'],
  },
  {
    id: 'dockerhub-token',
    title: 'Docker Hub personal or organization access token',
    severity: 'high',
    keywords: ['dckr_pat_', 'dckr_oat_'],
    pattern: new RegExp(`${START}(?<secret>dckr_(?:pat|oat)_[A-Za-z0-9_-]{24,64})${END}`, 'g'),
    gitleaks: [],
  },
  {
    id: 'jwt',
    title: 'JSON Web Token',
    severity: 'medium',
    keywords: ['eyJ'],
    pattern: new RegExp(`${START}(?<secret>eyJ[A-Za-z0-9_-]{10,4096}\\.eyJ[A-Za-z0-9_-]{4,16384}\\.[A-Za-z0-9_-]{10,4096})${END}`, 'g'),
    validate: decodesToJwtHeader,
    gitleaks: ['jwt'],
  },
  {
    id: 'url-password',
    title: 'Password in a URL (scheme://user:password@host)',
    severity: 'high',
    keywords: ['://'],
    // User and password exclude ':', '@', '/' and whitespace, so each start scans a bounded span once.
    // Starts at the literal '://' (the engine skips to it quickly); the scheme is checked behind it.
    pattern: /(?<=(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}):\/\/[^\s:@/"'<>`]{1,128}:(?<secret>[^\s:@/"'<>`]{3,128})@[A-Za-z0-9[]/g,
    allowValues: [/^[$%{<]/, /^\*+$/],
    gitleaks: ['curl-auth-user'],
  },
  {
    id: 'generic-password',
    title: 'Password, secret or token assigned a literal value',
    severity: 'medium',
    // Case variants spelled out: a case-insensitive regex cannot skip ahead to its first character.
    keywords: ['pass', 'Pass', 'PASS', 'pwd', 'Pwd', 'PWD', 'secret', 'Secret', 'SECRET', 'token', 'Token', 'TOKEN', 'api_key', 'apikey', 'apiKey', 'ApiKey', 'Api_Key', 'API_KEY', 'APIKEY'],
    pattern:
      /(?:[Pp]ass(?:word|wd)?|PASS(?:WORD|WD)?|[Pp]wd|PWD|[Ss]ecret|SECRET|[Tt]oken|TOKEN|[Aa]pi_?[Kk]ey|API_?KEY)[A-Za-z0-9_-]{0,20}["']?[ \t]{0,4}(?::=|=>|=|:)[ \t]{0,4}(?<q>["']?)(?<secret>[^\s"'`,;()[\]{}<>]{8,100})\k<q>(?=[\s,;)}\]]|$)/g,
    minEntropy: 3,
    fallback: true,
    // Code and templates, not literals: identifiers, dotted references, variables, format strings.
    validate: (value) => /[0-9]/.test(value) && /[A-Za-z]/.test(value) && !/^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(value) && !/^[$%@&*#]/.test(value),
    gitleaks: ['generic-api-key'],
  },
];

/**
 * Variable names that announce a secret (DB_PASSWORD, GITHUB_TOKEN, API_KEY),
 * for ENV, ARG and build-arg values whose content no token rule recognises.
 */
const SECRET_NAME = /(?:PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|CREDENTIALS?|(?:API|ACCESS|PRIVATE|AUTH|SECRET|SIGNING|ENCRYPTION|MASTER|CLIENT)_?KEY)(?![A-Z])|(?:^|_)PASS$|_PWD$|^KEY$|_KEY$/i;

/** Names that mention a secret but hold a path, a public value or a switch. */
const BENIGN_NAME = /(?:_FILE|_PATH|_DIR|_URL_FILE|_LENGTH|_LEN|_ENABLED|_REQUIRED|_POLICY|_MIN|_MAX|_TTL|_EXPIRY|_HEADER|_NAME|_ID|_TYPE|GPG_?KEYS?|PUBLIC_?KEY|_FINGERPRINT|KEYSERVER|KEYRING)$/i;

export function isSecretLikeName(name: string): boolean {
  return SECRET_NAME.test(name) && !BENIGN_NAME.test(name);
}

/** A value that is a literal (not empty, not a `$VAR` reference, not a placeholder). */
export function isLiteralSecretValue(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, '');
  if (v.length < 4) return false;
  if (/^\$\{?[A-Za-z_]/.test(v)) return false;
  if (/^(?:x+|\*+|true|false|yes|no|none|null|changeme|password|secret|token|example|placeholder|<[^>]*>)$/i.test(v)) return false;
  return true;
}

/**
 * Secret detection for images: our own rule set (private keys, cloud and SaaS
 * tokens, JWTs, passwords in URLs and assignments) run over every layer's
 * text files — deleted ones included — and over the image configuration.
 * Findings are kind 'secret' with the value redacted. See docs/checks.md.
 */
export { BUILTIN_SECRET_RULES } from './builtin-rules.js';
export type { SecretRule } from './secret-rule.js';
export { createSecretScanner, DEFAULT_SECRET_MAX_FILE_BYTES, isBinary } from './secret-scanner.js';
export type { SecretScanner, SecretScannerOptions } from './secret-scanner.js';
export { compileSecretAllowList, DEFAULT_ALLOWED_PATHS, DEFAULT_ALLOWED_VALUES, secretAllowListSchema } from './secret-allow-list.js';
export type { SecretAllowList, SecretAllowListInput } from './secret-allow-list.js';
export { NOISE_PATH_GLOBS, isNoisePath } from './noise-paths.js';
export { scanText } from './scan-text.js';
export type { SecretMatch } from './scan-text.js';
export { scanImageConfigForSecrets, SECRET_BUILD_ARG_RULE, SECRET_ENV_RULE } from './scan-image-config.js';
export { isLiteralSecretValue, isSecretLikeName } from './secret-name.js';
export { redact } from './redact.js';

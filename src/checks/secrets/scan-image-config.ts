/**
 * Secrets in the image configuration: environment values, labels and the
 * build history — where `ENV`/`ARG` defaults and the build arguments BuildKit
 * records in front of a RUN (`|2 TOKEN=… /bin/sh -c …`) end up.
 */
import type { Finding } from '../../domain/finding.js';
import type { ImageMetadata } from '../../domain/image.js';
import { scanText } from './scan-text.js';
import type { SecretAllowList } from './secret-allow-list.js';
import { redact } from './redact.js';
import { secretFinding } from './secret-finding.js';
import { isLiteralSecretValue, isSecretLikeName } from './secret-name.js';
import type { SecretRule } from './secret-rule.js';

export const SECRET_ENV_RULE = { id: 'secret-in-env', title: 'Secret-named environment variable with a literal value', severity: 'high' } as const;
export const SECRET_BUILD_ARG_RULE = { id: 'secret-in-build-arg', title: 'Secret-named build argument recorded in the image history', severity: 'high' } as const;

/** BuildKit's record of the build args a RUN saw: `|N NAME=value … <command>`. */
const BUILD_ARG_PREFIX = /^\|(\d{1,3}) /;
/** `ARG NAME=value` as the history shows it (ENV values are in config.Env already). */
const ASSIGNMENT = /(?:^|\s)ARG\s+([A-Za-z_][A-Za-z0-9_]{0,200})=(\S{1,1000})/g;

function buildArgs(createdBy: string): Array<[string, string]> {
  const head = BUILD_ARG_PREFIX.exec(createdBy);
  if (!head) return [];
  const count = Number(head[1]);
  const pairs: Array<[string, string]> = [];
  let rest = createdBy.slice(head[0].length);
  for (let i = 0; i < count; i++) {
    const m = /^([A-Za-z_][A-Za-z0-9_]{0,200})=(\S*) ?/.exec(rest);
    if (!m) break;
    pairs.push([m[1] as string, m[2] as string]);
    rest = rest.slice(m[0].length);
  }
  return pairs;
}

/**
 * A history line fit to show beside a finding: build-arg values and anything
 * a rule recognises are redacted.
 */
export function maskCreatedBy(createdBy: string, rules: readonly SecretRule[], allow: SecretAllowList): string {
  let masked = createdBy;
  for (const [name, value] of buildArgs(createdBy)) if (value.length > 0) masked = masked.replace(`${name}=${value}`, `${name}=${redact(value)}`);
  for (const m of createdBy.matchAll(ASSIGNMENT)) if (isSecretLikeName(m[1] as string)) masked = masked.replace(`${m[1]}=${m[2]}`, `${m[1]}=${redact(m[2] as string)}`);
  for (const m of scanText(createdBy, rules, allow)) masked = masked.split(m.secret).join(redact(m.secret));
  return masked;
}

export function scanImageConfigForSecrets(image: ImageMetadata, rules: readonly SecretRule[], allow: SecretAllowList): Finding[] {
  const findings: Finding[] = [];
  const byRules = (text: string, field: string): boolean => {
    const matches = scanText(text, rules, allow);
    for (const m of matches) findings.push(secretFinding(m.rule, m.secret, { field }));
    return matches.length > 0;
  };
  const byName = (rule: typeof SECRET_ENV_RULE | typeof SECRET_BUILD_ARG_RULE, name: string, value: string, field: string): void => {
    if (allow.rule(rule.id) || !isSecretLikeName(name) || !isLiteralSecretValue(value) || allow.value(value)) return;
    findings.push(secretFinding({ ...rule, title: `${rule.title} (${name})` }, value, { field }));
  };

  image.config.env.forEach((pair, i) => {
    const field = `config.Env[${i}]`;
    const eq = pair.indexOf('=');
    if (byRules(pair, field) || eq <= 0) return;
    byName(SECRET_ENV_RULE, pair.slice(0, eq), pair.slice(eq + 1), field);
  });
  for (const [key, value] of Object.entries(image.config.labels)) byRules(`${key}=${value}`, `config.Labels.${key}`);
  image.history.forEach((entry, i) => {
    const createdBy = entry.createdBy;
    if (!createdBy) return;
    const field = `history[${i}].created_by`;
    if (byRules(createdBy, field)) return;
    for (const [name, value] of buildArgs(createdBy)) byName(SECRET_BUILD_ARG_RULE, name, value, field);
    for (const m of createdBy.matchAll(ASSIGNMENT)) byName(SECRET_BUILD_ARG_RULE, m[1] as string, m[2] as string, field);
  });
  return findings;
}

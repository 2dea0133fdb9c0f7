/** The built-in rule kinds by the key that selects them in a rule. */
import type { RuleKind } from './rule-kind.js';
import { vulnerabilitiesRule } from './rules/vulnerabilities/vulnerabilities-rule.js';
import { packagesRule } from './rules/packages/packages-rule.js';
import { configRule } from './rules/config/config-rule.js';
import { filesRule } from './rules/files/files-rule.js';
import { deployRule } from './rules/deploy/deploy-rule.js';
import { celRule } from './rules/cel/cel-rule.js';
import { accessRule } from './rules/access/access-rule.js';

export const RULE_KIND_NAMES = ['vulnerabilities', 'packages', 'config', 'files', 'deploy', 'cel', 'access'] as const;
export type RuleKindName = (typeof RULE_KIND_NAMES)[number];

export const RULE_KINDS = {
  vulnerabilities: vulnerabilitiesRule,
  packages: packagesRule,
  config: configRule,
  files: filesRule,
  deploy: deployRule,
  cel: celRule,
  access: accessRule,
} as const satisfies Record<RuleKindName, RuleKind<unknown>>;

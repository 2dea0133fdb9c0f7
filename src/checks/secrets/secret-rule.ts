import type { SeverityLevel } from '../../domain/severity.js';

/** One kind of secret the scanner looks for. */
export interface SecretRule {
  /** Stable id shown in findings and used by policies and allow-lists: 'aws-access-key-id'. */
  readonly id: string;
  readonly title: string;
  readonly severity: SeverityLevel;
  /**
   * Case-sensitive literals, at least one of which occurs in every match: the
   * regex only runs on text that contains one (list the case variants).
   */
  readonly keywords: readonly string[];
  /**
   * Global regex. The secret is the named group `secret` (else the whole match).
   * Must be linear-time friendly: bounded repeats, no nested quantifiers over
   * overlapping classes, token starts anchored with a lookbehind.
   */
  readonly pattern: RegExp;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  readonly minEntropy?: number;
  /** Secrets that are documented examples or placeholders for this rule. */
  readonly allowValues?: readonly RegExp[];
  /** Extra check on the secret (e.g. a JWT header must decode to JSON with "alg"). */
  readonly validate?: (secret: string) => boolean;
  /** A catch-all rule: its match is dropped when a specific rule found the same secret on the same line. */
  readonly fallback?: boolean;
  /** gitleaks rule ids of the same token family (documentation and the conformance test). */
  readonly gitleaks: readonly string[];
}

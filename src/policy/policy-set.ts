/** A loaded, compiled policy: what evaluate() runs. */
import type { SeverityLevel } from '../domain/severity.js';
import type { RuleEffect } from '../domain/decision.js';
import type { PolicyException } from './exceptions.js';
import type { RuleCondition } from './rule-kind.js';
import type { RuleKindName } from './rule-kinds.js';
import type { CompiledScope } from './scope.js';

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

export interface CompiledRule {
  readonly id: string;
  readonly description: string;
  readonly effect: RuleEffect;
  readonly severity?: SeverityLevel;
  readonly kind: RuleKindName;
  readonly scope: CompiledScope;
  readonly condition: RuleCondition;
  readonly source: SourceLocation;
}

export interface PolicySet {
  readonly name: string;
  readonly version: string;
  /** 'sha256:…' over the files' names and contents. */
  readonly hash: string;
  readonly files: readonly string[];
  /** Sorted by id. */
  readonly rules: readonly CompiledRule[];
  /** Sorted by id. */
  readonly exceptions: readonly PolicyException[];
}

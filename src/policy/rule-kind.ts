/**
 * The contract every built-in rule kind implements: a strict zod schema for
 * its parameters, a compile step run once at load time (regexes, ranges, CEL
 * programs; problems reported by parameter path so they get a line number),
 * and a pure check of one subject.
 */
import type { z } from 'zod';
import type { ViolationEvidence } from '../domain/decision.js';
import type { SeverityLevel } from '../domain/severity.js';
import type { EvaluationInput } from './evaluation-input.js';
import type { CelRuntime } from './cel/cel-runtime.js';

export interface CompileProblem {
  /** Path inside the rule kind's parameters, e.g. ['banned', 0, 'versions']. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface CompileContext {
  readonly problems: CompileProblem[];
  readonly cel: CelRuntime;
}

export interface RuleHit {
  readonly message: string;
  readonly evidence: ViolationEvidence;
  readonly remediation?: string;
  /** The severity of what was found (a vulnerability's); the rule's own severity wins when set. */
  readonly severity?: SeverityLevel;
}

export type ConditionOutcome =
  | { readonly applies: false; readonly reason: string }
  | { readonly applies: true; readonly hits: readonly RuleHit[]; readonly checked: string };

export interface RuleCondition {
  check(input: EvaluationInput): ConditionOutcome;
  /** Path globs of files the rule reads from Subject.files. */
  readonly filePatterns?: readonly string[];
}

export interface RuleKind<P> {
  readonly name: string;
  readonly schema: z.ZodType<P>;
  compile(params: P, ctx: CompileContext): RuleCondition;
}

/** Erases the parameter type so kinds can share one table. */
export function defineRuleKind<P>(kind: RuleKind<P>): RuleKind<unknown> {
  return kind as unknown as RuleKind<unknown>;
}

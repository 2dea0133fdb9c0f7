/**
 * policy: central policies and the one decision engine. Load a policy file
 * or directory once (`loadPolicySet`, or `compilePolicy` over texts), then
 * `evaluate(policy, subject, now)` wherever a decision is needed — CLI gate,
 * console, Docker authorization, Kubernetes admission. Load failures are
 * PolicyLoadError with file:line problems, never an empty policy.
 */
export { loadPolicySet, policyFiles, readPolicyText } from './load-policy.js';
export { compilePolicy, type PolicySource } from './compile-policy.js';
export { PolicyLoadError, formatProblem, type PolicyProblem } from './policy-load-error.js';
export type { PolicySet, CompiledRule } from './policy-set.js';
export { evaluate, evaluateTraced, type TracedDecision, type RuleTrace, type ExceptionTrace } from './evaluate.js';
export { subjectFromScan, type ScanResultForPolicy, type SubjectContext } from './subject-from-scan.js';
export { requiredFilePatterns } from './required-files.js';
export { RULE_KIND_NAMES } from './rule-kinds.js';
export { runPolicyTests, type PolicyTestResult } from './policy-test/run-policy-tests.js';
export { subjectFromFixture, subjectFixtureSchema, type SubjectFixture } from './policy-test/subject-fixture.js';

/**
 * Host hardening: audits a Docker host against the CIS Docker Benchmark
 * v1.6.0 and the central hardening standard (the policy's hostHardening
 * section). facts/ gathers what is true on the host from real sources;
 * checks/ are pure functions over those facts; report/ renders the results.
 */
export { runHostAudit, evaluateHostChecks, CIS_BENCHMARK } from './run-host-audit.js';
export type { HostAuditReport } from './run-host-audit.js';
export { collectHostFacts } from './facts/collect-host-facts.js';
export type { CollectOptions } from './facts/collect-host-facts.js';
export type { HostFacts } from './facts/host-facts.js';
export { HOST_CHECKS, SECTION_TITLES } from './checks/all-checks.js';
export type { HostCheck, HostCheckResult, HostCheckStatus, HostEvidence } from './host-check.js';
export { loadHostPolicy, parseHostPolicy, evaluateHostPolicy } from './host-policy.js';
export type { HostHardeningPolicy, HostPolicyOutcome } from './host-policy.js';
export { renderHostTable } from './report/host-table.js';
export { renderHostJson } from './report/host-json.js';
export { renderHostJunit } from './report/host-junit.js';
export { renderHostSarif } from './report/host-sarif.js';
export { summarizeHostAudit } from './report/host-summary.js';

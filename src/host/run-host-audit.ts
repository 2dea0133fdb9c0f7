/**
 * Runs every check over the facts of one host. A check that throws (a bug,
 * or a fact shape nobody foresaw) becomes a warn with the reason, so the
 * audit always finishes with one result per check.
 */
import { hostname } from 'node:os';
import { HOST_CHECKS } from './checks/all-checks.js';
import { collectHostFacts } from './facts/collect-host-facts.js';
import type { CollectOptions } from './facts/collect-host-facts.js';
import type { HostFacts } from './facts/host-facts.js';
import { reasonOf } from './facts/known.js';
import type { HostCheck, HostCheckResult } from './host-check.js';

export const CIS_BENCHMARK = 'CIS Docker Benchmark v1.6.0';

export interface HostAuditReport {
  readonly benchmark: string;
  readonly mode: 'live' | 'offline';
  readonly root: string;
  readonly host: string;
  readonly dockerHost?: string;
  readonly startedAt: string;
  readonly results: readonly HostCheckResult[];
}

export function evaluateHostChecks(facts: HostFacts, checks: readonly HostCheck[] = HOST_CHECKS): HostCheckResult[] {
  return checks.map((check) => {
    let v;
    try {
      v = check.evaluate(facts);
    } catch (error) {
      v = { status: 'warn' as const, evidence: [], reason: `check failed: ${reasonOf(error)}` };
    }
    return {
      id: check.id,
      section: check.id.split('.')[0] as string,
      title: check.title,
      level: check.level,
      scored: check.scored,
      status: v.status,
      evidence: v.evidence,
      ...(v.reason ? { reason: v.reason } : {}),
      remediation: check.remediation,
    };
  });
}

export async function runHostAudit(options: CollectOptions = {}): Promise<HostAuditReport> {
  const startedAt = new Date().toISOString();
  const facts = await collectHostFacts(options);
  const host = facts.engine.ok ? (facts.engine.value.info.Name ?? '') : '';
  return {
    benchmark: CIS_BENCHMARK,
    mode: facts.mode,
    root: facts.root,
    host: host || (facts.mode === 'offline' ? facts.root : hostname()),
    ...(facts.mode === 'live' ? { dockerHost: facts.engine.ok ? facts.engine.value.address : (options.dockerHost ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock') } : {}),
    startedAt,
    results: evaluateHostChecks(facts),
  };
}

/**
 * What enforcement points (the Docker defender, the admission webhook) and
 * the console exchange over HTTP. Both sides validate these with zod at the
 * boundary; here they are only shapes.
 *
 * Console endpoints (role `defender`):
 *   GET  /api/v1/policies/active                  policy YAML; ETag / If-None-Match → 304
 *   GET  /api/v1/images/:digest/verdict           ImageVerdict, 404 when never scanned
 *   POST /api/v1/scans                            an inventory the defender made on the spot
 *   POST /api/v1/hosts/:id/report                 HostReport (host facts + its containers)
 *   POST /api/v1/enforcement/decisions            { decisions: EnforcementDecision[] } → audit log
 *   GET  /api/v1/enforcement/verdicts?since=ISO   { changes: VerdictChange[], now } images whose verdict changed
 */
import type { Decision, Verdict } from './decision.js';

export interface ImageVerdict {
  readonly digest: string;
  readonly verdict: Verdict;
  readonly decision: Decision;
  /** When the console last evaluated it. */
  readonly evaluatedAt: string;
}

export interface VerdictChange {
  readonly digest: string;
  readonly from: Verdict | null;
  readonly to: Verdict;
  readonly at: string;
  /** 'advisory-update' | 'policy-change' | 'exception-change' | 'scan' | 'new-name' */
  readonly reason: string;
  /** Advisory ids behind the change, when it came from new advisory data. */
  readonly advisories?: readonly string[];
}

/** An enforcement point's answer to one request, as logged and audited. */
export interface EnforcementDecision {
  /** The enforcement point's own id of the decision, the one its denial message and local log show. */
  readonly id?: string;
  readonly at: string;
  readonly point: 'docker' | 'kubernetes';
  /** Host or cluster name. */
  readonly source: string;
  /** 'container.create', 'container.start', 'exec.create', 'image.pull', 'pod.admit', … */
  readonly action: string;
  readonly allowed: boolean;
  /** Docker user / Kubernetes user name when known. */
  readonly user?: string;
  readonly image?: { readonly reference: string; readonly digest?: string };
  readonly verdict?: Verdict;
  /** One line per reason shown to the user. */
  readonly reasons: readonly string[];
  /** Policy rule ids that decided. */
  readonly rules: readonly string[];
}

export interface ReportedContainer {
  readonly id: string;
  readonly name: string;
  readonly imageReference: string;
  readonly imageDigest?: string;
  /** 'running' | 'exited' | 'created' | … */
  readonly state: string;
  readonly startedAt?: string;
  readonly namespace?: string;
}

export interface HostReport {
  readonly name: string;
  readonly environment?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Engine version, OS, kernel, defender version, … */
  readonly info?: Readonly<Record<string, unknown>>;
  readonly containers: readonly ReportedContainer[];
}

/**
 * One admission decision: an AdmissionReview in, the AdmissionReview answer
 * out. Each container of the pod (or of the controller's pod template) is
 * evaluated by the one policy engine with its image, its run settings, the
 * namespace and the namespace's environment; the pod's verdict is the worst
 * of its containers'. `block` denies with the reasons and fixes in
 * status.message, `warn` admits with admission warnings, and the audit
 * annotations carry the decision id that the logs and the console's audit
 * log share.
 */
import { randomUUID } from 'node:crypto';
import type { Decision, Verdict, Violation } from '../../domain/decision.js';
import type { EnforcementDecision } from '../../domain/enforcement.js';
import type { ImageMetadata } from '../../domain/image.js';
import type { Subject, SubjectImage } from '../../domain/subject.js';
import { formatReference, parseImageReference, repositoryName } from '../../image/sources/image-reference.js';
import { evaluate } from '../../policy/evaluate.js';
import type { PolicySet } from '../../policy/policy-set.js';
import type { AdmissionConfig } from './admission-config.js';
import { namespaceRules, type NamespaceRules } from './admission-config.js';
import { reviewResponse, type AdmissionRequest, type AdmissionResponse, type AdmissionReviewResponse, type ParsedReview } from './admission-review.js';
import type { ImageAssessment, ImageAssessor } from './image-assessor.js';
import { imagePinPatch } from './image-pin-patch.js';
import { workloadOf, WorkloadError, type Workload, type WorkloadContainer } from './workload-containers.js';

export interface AdmitContext {
  readonly config: AdmissionConfig;
  readonly policy: () => PolicySet | undefined;
  readonly assessor: ImageAssessor;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

export interface ContainerOutcome {
  readonly name: string;
  readonly kind: WorkloadContainer['kind'];
  readonly image: string;
  readonly digest?: string;
  readonly verdict: Verdict;
  readonly violations: readonly Violation[];
  /** Why the image's verdict is the configured default, when it is. */
  readonly unavailable?: string;
}

/** What was decided, for the log line and the console's audit log. */
export interface AdmissionRecord {
  readonly decisionId: string;
  readonly uid?: string;
  readonly operation?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly user?: string;
  readonly allowed: boolean;
  readonly verdict?: Verdict;
  /** Why nothing was evaluated (excluded namespace, DELETE, …) or why the request was unreadable. */
  readonly note?: string;
  readonly invalid?: boolean;
  readonly policy?: string;
  readonly containers: readonly ContainerOutcome[];
  readonly ms: number;
}

export interface AdmitResult {
  readonly review: AdmissionReviewResponse;
  readonly record: AdmissionRecord;
  readonly decisions: readonly EnforcementDecision[];
}

const MAX_MESSAGE_LINES = 20;
const MAX_WARNINGS = 20;
/** The API server truncates longer warnings; keep each readable in full. */
const MAX_WARNING_CHARS = 256;
const MAX_MESSAGE_CHARS = 4096;

const RANK: Readonly<Record<Verdict, number>> = { allow: 0, warn: 1, block: 2 };
const worst = (a: Verdict, b: Verdict): Verdict => (RANK[b] > RANK[a] ? b : a);

const compiledRules = new WeakMap<AdmissionConfig, NamespaceRules>();
function rulesOf(config: AdmissionConfig): NamespaceRules {
  let rules = compiledRules.get(config);
  if (!rules) {
    rules = namespaceRules(config);
    compiledRules.set(config, rules);
  }
  return rules;
}

const deployOnly = new WeakMap<PolicySet, PolicySet>();
/**
 * With a console verdict (or none) for the image, only the run-request rules
 * are evaluated here: the console's verdict already covers the image's
 * contents, and re-running image rules without its findings would miss them.
 */
function deployPolicy(policy: PolicySet): PolicySet {
  let only = deployOnly.get(policy);
  if (!only) {
    only = { ...policy, rules: policy.rules.filter((r) => r.kind === 'deploy') };
    deployOnly.set(policy, only);
  }
  return only;
}

function subjectImage(reference: string, digest: string | undefined, metadata: ImageMetadata | undefined): SubjectImage {
  try {
    const ref = parseImageReference(reference);
    const d = ref.digest ?? digest;
    return {
      reference: formatReference(ref),
      registry: ref.domain,
      repository: repositoryName(ref),
      tags: ref.tag ? [ref.tag] : [],
      ...(d ? { digest: d } : {}),
      pinnedByDigest: ref.digest !== undefined,
      ...(metadata ? { metadata } : {}),
    };
  } catch {
    return { reference, tags: [], ...(digest ? { digest } : {}), ...(metadata ? { metadata } : {}) };
  }
}

interface Scope {
  readonly environment?: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
}

function evaluateContainer(policy: PolicySet, container: WorkloadContainer, assessment: ImageAssessment, scope: Scope, defaultVerdict: Verdict, now: Date): ContainerOutcome {
  const context = { ...(scope.environment ? { environment: scope.environment } : {}), ...(scope.namespace ? { namespace: scope.namespace } : {}), labels: scope.labels, deploy: container.deploy };
  const base = { name: container.name, kind: container.kind, image: container.image, ...(assessment.digest ? { digest: assessment.digest } : {}) };
  if (assessment.kind === 'subject') {
    const subject: Subject = { ...assessment.subject, ...context };
    const decision = evaluate(policy, subject, now);
    return { ...base, verdict: decision.verdict, violations: decision.violations };
  }
  const metadata = assessment.metadata;
  const local: Decision = evaluate(deployPolicy(policy), { image: subjectImage(assessment.reference, assessment.digest, metadata), packages: [], findings: [], ...context }, now);
  if (assessment.kind === 'verdict') {
    const image = assessment.verdict.decision;
    return { ...base, verdict: worst(image.verdict, local.verdict), violations: [...image.violations, ...local.violations] };
  }
  return { ...base, verdict: worst(defaultVerdict, local.verdict), violations: local.violations, unavailable: assessment.reason };
}

function containerLabel(c: { readonly kind: WorkloadContainer['kind']; readonly name: string }): string {
  return c.kind === 'container' ? `container ${c.name}` : `${c.kind === 'initContainer' ? 'init container' : 'ephemeral container'} ${c.name}`;
}

function violationLine(v: Violation): string {
  return `[${v.ruleId}] ${v.message}${v.remediation ? ` (fix: ${v.remediation})` : ''}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function denialMessage(workload: Workload, policy: PolicySet | undefined, decisionId: string, outcomes: readonly ContainerOutcome[], defaultVerdict: Verdict): string {
  const lines: string[] = [];
  for (const c of outcomes) {
    if (c.verdict !== 'block') continue;
    const who = `${containerLabel(c)} (${c.image})`;
    if (c.unavailable && defaultVerdict === 'block') lines.push(`${who}: ${c.unavailable}; the default verdict for images that cannot be assessed is block`);
    for (const v of c.violations) if (v.effect === 'block') lines.push(`${who}: ${violationLine(v)}`);
  }
  const shown = lines.slice(0, MAX_MESSAGE_LINES);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
  const head = `Bulkhead${policy ? ` policy ${policy.name}@${policy.version}` : ''} blocks ${workload.kind}${workload.name ? ` ${workload.name}` : ''} (decision ${decisionId}):`;
  return clip(`${head}\n${shown.join('\n')}`, MAX_MESSAGE_CHARS);
}

function warningsOf(outcomes: readonly ContainerOutcome[]): string[] {
  const lines = new Set<string>();
  for (const c of outcomes) {
    if (c.unavailable && c.verdict !== 'block') lines.add(`${containerLabel(c)}: ${c.unavailable}`);
    for (const v of c.violations) if (v.effect === 'alert') lines.add(`${containerLabel(c)}: ${violationLine(v)}`);
  }
  const all = [...lines].map((l) => clip(`bulkhead: ${l}`, MAX_WARNING_CHARS));
  return all.length > MAX_WARNINGS ? [...all.slice(0, MAX_WARNINGS - 1), `bulkhead: … and ${all.length - MAX_WARNINGS + 1} more warnings`] : all;
}

function annotations(decisionId: string, verdict: Verdict | undefined, policy: PolicySet | undefined, note?: string): Record<string, string> {
  return {
    'decision-id': decisionId,
    ...(verdict ? { verdict } : {}),
    ...(policy ? { policy: `${policy.name}@${policy.version}` } : {}),
    ...(note ? { note: clip(note, 256) } : {}),
  };
}

/** Admits without evaluating (DELETE, excluded namespaces, kinds without pods). */
function passThrough(apiVersion: string, request: AdmissionRequest, decisionId: string, note: string, started: number): AdmitResult {
  return {
    review: reviewResponse(apiVersion, { uid: request.uid, allowed: true, auditAnnotations: annotations(decisionId, undefined, undefined, note) }),
    record: { decisionId, uid: request.uid, operation: request.operation, kind: request.kind.kind, ...(request.namespace ? { namespace: request.namespace } : {}), allowed: true, note, containers: [], ms: performance.now() - started },
    decisions: [],
  };
}

/** The answer to a review that could not be read but whose uid could: the configured default for invalid requests. */
export function invalidReview(apiVersion: string, uid: string, problem: string, config: AdmissionConfig, decisionId: string, started: number): AdmitResult {
  const allowed = config.invalidRequests === 'allow';
  const message = `Bulkhead could not evaluate this request (decision ${decisionId}): ${clip(problem, 1024)}`;
  const response: AdmissionResponse = allowed
    ? { uid, allowed, warnings: [clip(`bulkhead: ${problem}`, MAX_WARNING_CHARS)], auditAnnotations: annotations(decisionId, undefined, undefined, 'invalid request admitted by configuration') }
    : { uid, allowed, status: { code: 400, reason: 'BadRequest', message }, auditAnnotations: annotations(decisionId, undefined, undefined, 'invalid request') };
  return { review: reviewResponse(apiVersion, response), record: { decisionId, uid, allowed, invalid: true, note: problem, containers: [], ms: performance.now() - started }, decisions: [] };
}

export async function admit(parsed: ParsedReview & { ok: true }, ctx: AdmitContext, options: { readonly mutate?: boolean } = {}): Promise<AdmitResult> {
  const started = performance.now();
  const decisionId = (ctx.newId ?? randomUUID)();
  const { request, apiVersion } = parsed;
  const config = ctx.config;
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return passThrough(apiVersion, request, decisionId, `${request.operation} is not evaluated`, started);
  const namespaces = rulesOf(config);
  const namespace = request.namespace || undefined;
  if (namespace !== undefined && namespaces.excluded(namespace)) return passThrough(apiVersion, request, decisionId, `namespace ${namespace} is excluded`, started);
  const sub = request.subResource ?? '';
  if (sub !== '' && sub !== 'ephemeralcontainers') return passThrough(apiVersion, request, decisionId, `subresource ${sub} is not evaluated`, started);
  if (!request.object) return invalidReview(apiVersion, request.uid, `${request.operation} of ${request.kind.kind} carries no object`, config, decisionId, started);

  let workload: Workload | undefined;
  try {
    workload = workloadOf(request.kind.kind, request.object);
  } catch (error) {
    if (error instanceof WorkloadError) return invalidReview(apiVersion, request.uid, error.message, config, decisionId, started);
    throw error;
  }
  if (!workload) return passThrough(apiVersion, request, decisionId, `kind ${request.kind.kind} has no pod template`, started);

  const policy = ctx.policy();
  const now = (ctx.now ?? (() => new Date()))();
  const environment = namespace !== undefined ? namespaces.environmentOf(namespace) : config.defaultEnvironment;
  const scope: Scope = { ...(environment ? { environment } : {}), ...(namespace ? { namespace } : {}), labels: workload.labels };
  const deadline = Date.now() + config.budgetMs;

  const images = [...new Set(workload.containers.map((c) => c.image))];
  const assessments = new Map<string, ImageAssessment>();
  if (policy) {
    await Promise.all(images.map(async (image) => assessments.set(image, await ctx.assessor.assess(image, deadline))));
  }

  const outcomes: ContainerOutcome[] = workload.containers.map((c) => {
    if (!policy) {
      return { name: c.name, kind: c.kind, image: c.image, verdict: config.defaultVerdict, violations: [], unavailable: 'no policy is loaded yet (console unreachable and no cached policy)' };
    }
    return evaluateContainer(policy, c, assessments.get(c.image) as ImageAssessment, scope, config.defaultVerdict, now);
  });
  const verdict = outcomes.reduce<Verdict>((v, c) => worst(v, c.verdict), 'allow');
  const allowed = verdict !== 'block';
  const warnings = warningsOf(outcomes);
  const patch = options.mutate && allowed ? imagePinPatch(workload.containers, (image) => assessments.get(image)?.digest) : undefined;
  const response: AdmissionResponse = {
    uid: request.uid,
    allowed,
    ...(allowed ? {} : { status: { code: 403, reason: 'Forbidden', message: denialMessage(workload, policy, decisionId, outcomes, config.defaultVerdict) } }),
    ...(warnings.length > 0 ? { warnings } : {}),
    auditAnnotations: annotations(decisionId, verdict, policy),
    ...(patch ? { patch, patchType: 'JSONPatch' as const } : {}),
  };
  const user = request.userInfo.username;
  const record: AdmissionRecord = {
    decisionId,
    uid: request.uid,
    operation: request.operation,
    kind: workload.kind,
    ...(namespace ? { namespace } : {}),
    ...(workload.name ?? request.name ? { name: workload.name ?? request.name } : {}),
    ...(user ? { user } : {}),
    allowed,
    verdict,
    ...(policy ? { policy: `${policy.name}@${policy.version}` } : {}),
    containers: outcomes,
    ms: performance.now() - started,
  };
  const at = now.toISOString();
  const decisions: EnforcementDecision[] = outcomes.map((c) => ({
    id: decisionId,
    at,
    point: 'kubernetes',
    source: config.cluster,
    action: `${workload.kind.toLowerCase()}.admit`,
    allowed,
    ...(user ? { user } : {}),
    image: { reference: c.image, ...(c.digest ? { digest: c.digest } : {}) },
    verdict: c.verdict,
    reasons: [
      `${request.operation} ${workload.kind} ${namespace ? `${namespace}/` : ''}${workload.name ?? request.name ?? ''} ${containerLabel(c)}`,
      ...(c.unavailable ? [c.unavailable] : []),
      ...c.violations.map(violationLine),
    ],
    rules: [...new Set(c.violations.map((v) => v.ruleId))],
  }));
  return { review: reviewResponse(apiVersion, response), record, decisions };
}

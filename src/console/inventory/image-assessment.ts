/**
 * The console's inventory of images: how an uploaded assessment becomes
 * stored rows (images, tags, the inventory and its package index), and how a
 * stored image is (re-)decided — matched against the console's advisory data,
 * evaluated with the active policy, its findings diffed against what was
 * stored, each change recorded with its cause and published as an event.
 *
 * `recordAssessment` is the scan intake (uploads, the scan.target worker).
 * `assessImage` re-decides one stored image without pulling it: re-evaluation
 * after advisory updates, policy or exception changes, and policy dry runs.
 * `loadImageSubject` gives the policy Subject of a stored image.
 */
import type { AdvisoryIndex } from '../../domain/advisory.js';
import type { Decision, Verdict } from '../../domain/decision.js';
import type { Finding } from '../../domain/finding.js';
import type { Subject } from '../../domain/subject.js';
import type { PolicySet } from '../../policy/index.js';
import type { ConsoleContext } from '../context.js';
import type { ImageAssessment } from './assessment-document.js';

export { ASSESSMENT_SCHEMA, assessmentSchema, findingSchema, parseAssessmentText, type ImageAssessment } from './assessment-document.js';

/** Why an image was (re-)decided; stored with every change (image_changes.cause). */
export interface ChangeCause {
  readonly reason: 'scan' | 'advisory-update' | 'policy-change' | 'exception-change';
  /** Advisory ids behind an advisory update. */
  readonly advisories?: readonly string[];
  readonly snapshot?: string;
  readonly policyVersion?: string;
}

/** What CI (or the scan worker) hands the console for one image. */
export interface AssessmentUpload {
  readonly assessment: ImageAssessment;
  /** How the image was referred to: 'registry/repo:tag' (also 'repo:tag', 'repo@sha256:…'). */
  readonly reference?: string;
  /** Manifest digest; default the inventory's manifest digest, else its config digest, else the inventory id. */
  readonly digest?: string;
  readonly environment?: string;
}

/** Payload of the 'scan.target' job: the console's workers pull and scan the target, then call recordAssessment. */
export interface ScanTargetJob {
  /** 'registry/repo:tag' or 'registry/repo@sha256:…' (no transport prefix: it is pulled from its registry). */
  readonly target: string;
  readonly environment?: string;
  /** Registry id when the scan came from a registry's schedule or webhook (its credentials apply). */
  readonly registryId?: string;
  /** Who asked: 'token:ci-main', 'registry:hub', … */
  readonly requestedBy: string;
}

export const SCAN_TARGET_JOB = 'scan.target';

export interface FindingChange {
  readonly key: string;
  readonly kind: string;
  readonly id: string;
  readonly severity: string;
  readonly aliases: readonly string[];
  readonly package?: { readonly ecosystem: string; readonly name: string; readonly version: string };
}

export interface AssessImageOptions {
  /** Advisory data to match against; undefined = none available (zero vulnerability findings, a health problem). */
  readonly advisoryIndex: AdvisoryIndex | undefined;
  readonly policy: PolicySet;
  readonly cause: ChangeCause;
  /** Compute without storing anything or publishing events (policy dry runs). */
  readonly dryRun?: boolean;
  /** Evaluation time; default ctx.now(). */
  readonly now?: Date;
}

export interface ImageAssessmentResult {
  readonly digest: string;
  readonly decision: Decision;
  readonly previousVerdict: Verdict | null;
  /** Every finding now: vulnerabilities matched here plus the stored check findings. */
  readonly findings: readonly Finding[];
  readonly newFindings: readonly FindingChange[];
  readonly resolvedFindings: readonly FindingChange[];
  readonly verdictChanged: boolean;
  /** Health problems met on the way: no advisory database, zero packages. */
  readonly problems: readonly string[];
  readonly stored: boolean;
}

export interface RecordOptions {
  /** Overrides the upload's environment. */
  readonly environment?: string;
  readonly cause: ChangeCause;
}

/** Stores an uploaded assessment and decides the image; returns the decision CI gates on. */
export async function recordAssessment(ctx: ConsoleContext, upload: AssessmentUpload, options: RecordOptions): Promise<ImageAssessmentResult> {
  void ctx;
  void upload;
  void options;
  throw new Error('recordAssessment: being written (helper D1)');
}

/** The policy Subject of a stored image, with the given findings (default: its stored findings). */
export async function loadImageSubject(ctx: ConsoleContext, digest: string): Promise<Subject | undefined> {
  void ctx;
  void digest;
  throw new Error('loadImageSubject: being written (helper D1)');
}

/** Re-matches and re-evaluates one stored image; stores and publishes the changes unless dryRun. undefined when unknown. */
export async function assessImage(ctx: ConsoleContext, digest: string, options: AssessImageOptions): Promise<ImageAssessmentResult | undefined> {
  void ctx;
  void digest;
  void options;
  throw new Error('assessImage: being written (helper D1)');
}

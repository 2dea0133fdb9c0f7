/**
 * What every rule condition reads during one evaluation: the subject, the
 * evaluation time, and facts derived from them once (image facts,
 * vulnerability scores) rather than once per rule.
 */
import type { ViolationEvidence } from '../domain/decision.js';
import type { Finding } from '../domain/finding.js';
import type { Subject } from '../domain/subject.js';
import { imageFacts, imageNames, type ImageFacts } from './image-facts.js';
import { fixAvailableDays, maxCvss } from './rules/vulnerabilities/vulnerability-facts.js';

export interface VulnerabilityFacts {
  readonly cvss: number;
  readonly fixDays: number;
  /** The violation message, filled by the first rule that needs it. */
  description?: string;
  /** The violation evidence and remediation, built by the first rule that needs them and shared (read-only) by the others. */
  hit?: { readonly evidence: ViolationEvidence; readonly remediation: string };
}

export interface EvaluationInput {
  readonly subject: Subject;
  readonly now: Date;
  readonly nowMs: number;
  readonly image: ImageFacts;
  /** What the image answers to in images: globs (repository, reference, repository:tag). */
  readonly imageNames: readonly string[];
  readonly vulnerabilities: readonly Finding[];
  /** Per vulnerability (same order): highest CVSS score and days a fix has been available (-1 unknown). */
  readonly vulnerabilityFacts: readonly VulnerabilityFacts[];
  /** The CEL activation of this evaluation, filled by the first CEL rule (cel/cel-activation.ts). */
  readonly cel: { activation?: Record<string, unknown> };
}

export function evaluationInput(subject: Subject, now: Date): EvaluationInput {
  const nowMs = now.getTime();
  const image = imageFacts(subject, nowMs);
  // Hundreds of findings share a handful of publication dates.
  const dates = new Map<string, number>();
  const parseDate = (text: string): number => {
    let ms = dates.get(text);
    if (ms === undefined) {
      ms = Date.parse(text);
      dates.set(text, ms);
    }
    return ms;
  };
  const vulnerabilities = subject.findings.filter((f) => f.kind === 'vulnerability' && f.suppressed === undefined);
  const input: EvaluationInput = {
    subject,
    now,
    nowMs,
    image,
    imageNames: imageNames(image),
    vulnerabilities,
    cel: {},
    vulnerabilityFacts: vulnerabilities.map((f) => ({ cvss: maxCvss(f), fixDays: fixAvailableDays(f, nowMs, parseDate) })),
  };
  return input;
}

/**
 * What every rule condition reads during one evaluation: the subject, the
 * evaluation time, and facts derived from them once (image facts,
 * vulnerability scores) rather than once per rule.
 */
import type { ViolationEvidence } from '../domain/decision.js';
import type { Finding } from '../domain/finding.js';
import type { Subject } from '../domain/subject.js';
import { imageFacts, imageNames, type ImageFacts } from './image-facts.js';
import { fixAvailableDays, fixAvailableSinceMs, maxCvss } from './rules/vulnerabilities/vulnerability-facts.js';

export interface VulnerabilityFacts {
  readonly cvss: number;
  readonly fixDays: number;
  /** The violation message, filled by the first rule that needs it (and kept while the day count holds). */
  description?: string;
  /** The violation evidence and remediation, built by the first rule that needs them and shared (read-only) by the others and later evaluations. */
  hit?: { readonly evidence: ViolationEvidence; readonly remediation: string };
}

export interface EvaluationInput {
  readonly subject: Subject;
  readonly now: Date;
  readonly nowMs: number;
  readonly image: ImageFacts;
  /** What the image answers to in rule scopes' images: globs (repository, reference, repository:tag, and every name it is known as). */
  readonly imageNames: readonly string[];
  /**
   * The names of the evaluated reference only (without knownAs), for exceptions: a waiver
   * granted for one repository must not follow the same content into another.
   */
  readonly referenceNames: readonly string[];
  readonly vulnerabilities: readonly Finding[];
  /** Per vulnerability (same order): highest CVSS score and days a fix has been available (-1 unknown). */
  readonly vulnerabilityFacts: readonly VulnerabilityFacts[];
  /** The CEL activation of this evaluation, filled by the first CEL rule (cel/cel-activation.ts). */
  readonly cel: { activation?: Record<string, unknown> };
}

/**
 * What depends only on a findings list, kept per list (a WeakMap: it goes
 * with the list). Enforcement points and gates evaluate one image's lists
 * again and again — under another run request, another environment, a later
 * time — so the derived facts, messages and evidence are built once per list;
 * only the fix-age in days is recomputed per call, and the facts are reused
 * while those day counts stay the same.
 */
interface FindingsFacts {
  readonly vulnerabilities: readonly Finding[];
  readonly cvss: readonly number[];
  /** Per vulnerability: since when a fix exists (ms), NaN when unknown or unfixed. */
  readonly fixSinceMs: readonly number[];
  facts?: readonly VulnerabilityFacts[];
}

const findingsFactsCache = new WeakMap<readonly Finding[], FindingsFacts>();

function findingsFacts(findings: readonly Finding[]): FindingsFacts {
  let cached = findingsFactsCache.get(findings);
  if (cached) return cached;
  const vulnerabilities = findings.filter((f) => f.kind === 'vulnerability' && f.suppressed === undefined);
  cached = { vulnerabilities, cvss: vulnerabilities.map(maxCvss), fixSinceMs: vulnerabilities.map(fixAvailableSinceMs) };
  findingsFactsCache.set(findings, cached);
  return cached;
}

function vulnerabilityFactsAt(list: FindingsFacts, nowMs: number): readonly VulnerabilityFacts[] {
  const days = list.fixSinceMs.map((ms) => fixAvailableDays(ms, nowMs));
  const previous = list.facts;
  if (previous && previous.every((f, i) => f.fixDays === days[i])) return previous;
  list.facts = days.map((fixDays, i) => ({ cvss: list.cvss[i] ?? 0, fixDays }));
  return list.facts;
}

export function evaluationInput(subject: Subject, now: Date): EvaluationInput {
  const nowMs = now.getTime();
  const image = imageFacts(subject, nowMs);
  const list = findingsFacts(subject.findings);
  return {
    subject,
    now,
    nowMs,
    image,
    imageNames: imageNames(image, subject.image?.knownAs),
    referenceNames: imageNames(image),
    vulnerabilities: list.vulnerabilities,
    cel: {},
    vulnerabilityFacts: vulnerabilityFactsAt(list, nowMs),
  };
}

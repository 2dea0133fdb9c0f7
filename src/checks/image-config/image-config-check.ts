import { z } from 'zod';
import type { Finding, FindingLocation } from '../../domain/finding.js';
import type { ImageMetadata } from '../../domain/image.js';
import type { SeverityLevel } from '../../domain/severity.js';
import type { FileTree } from '../../image/file-tree.js';

/** What an image configuration check looks at. */
export interface ImageCheckSubject {
  readonly image: ImageMetadata;
  /** The squashed tree, for file-based checks (setuid/setgid); they report nothing without it. */
  readonly tree?: FileTree;
  /** The reference the image was asked for ('registry.example.com/app@sha256:…'), for pinning checks. */
  readonly reference?: string;
  /** Evaluation time for age checks (default: now); pass it for deterministic results. */
  readonly now?: Date;
}

/** One check: pure over the subject, parameters validated by its zod schema. */
export interface ImageConfigCheck<P extends z.ZodType = z.ZodType> {
  /** Stable id: the Finding id and the policy's reference. */
  readonly id: string;
  readonly title: string;
  /** CIS Docker Benchmark (v1.6) recommendation number, where one exists. */
  readonly cis?: string;
  readonly severity: SeverityLevel;
  /** What to change, for decisions and reports. */
  readonly remediation: string;
  readonly params: P;
  run(subject: ImageCheckSubject, params: z.output<P>): Finding[];
}

/** Parameters of a check that takes none (unknown keys are rejected). */
export const NO_PARAMS = z.object({}).strict();

export const IMAGE_CONFIG_SOURCE = 'bulkhead/image-config';

export function configFinding(check: Pick<ImageConfigCheck, 'id' | 'title' | 'cis' | 'severity'>, detail: string, location: FindingLocation, severity?: SeverityLevel): Finding {
  return {
    kind: 'config',
    id: check.id,
    aliases: check.cis ? [`CIS-Docker-${check.cis}`] : [],
    severity: severity ?? check.severity,
    ratings: [],
    fixedVersions: [],
    status: 'undetermined',
    summary: `${check.title}: ${detail}`,
    references: [],
    evidence: { source: IMAGE_CONFIG_SOURCE, matchedBy: 'direct', lookupName: check.id, detail },
    location,
  };
}

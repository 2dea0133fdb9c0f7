/**
 * Takes the assessment of a target the way the console stores it: what
 * `bulkhead scan TARGET --console URL` uploads and what the console's scan
 * workers record. With a policy it is the CI gate's own run (gateTarget:
 * the files its rules read are collected, and the local decision comes
 * back too); without one the inventory, the secret scan and the image
 * configuration checks.
 */
import { inventoryWithChecks } from '../../checks/inventory-with-checks.js';
import { runImageConfigChecks } from '../../checks/image-config/run-image-config-checks.js';
import type { Decision } from '../../domain/decision.js';
import type { SubjectEnvironment } from '../../domain/subject.js';
import { gateTarget } from '../../policy/gate-target.js';
import type { PolicySet } from '../../policy/index.js';
import type { ScanOptions } from '../../scan/scan-target.js';
import type { Target } from '../../scan/target.js';
import { ASSESSMENT_SCHEMA, type ImageAssessment } from './assessment-document.js';

export interface BuildAssessmentOptions extends ScanOptions {
  readonly policy?: PolicySet;
  readonly environment?: SubjectEnvironment;
  /** Kubernetes namespace the local decision evaluates for. */
  readonly namespace?: string;
  readonly now?: Date;
}

export interface BuiltAssessment {
  readonly assessment: ImageAssessment;
  /** The local decision, when a policy was given. */
  readonly localDecision?: Decision;
}

export async function buildAssessment(target: string | Target, options: BuildAssessmentOptions = {}): Promise<BuiltAssessment> {
  const { policy, ...rest } = options;
  if (policy) {
    const gate = await gateTarget(target, { ...rest, policy });
    return {
      assessment: { schema: ASSESSMENT_SCHEMA, inventory: gate.scan.inventory, checkFindings: gate.checkFindings, files: gate.subject.files ?? {} },
      localDecision: gate.decision,
    };
  }
  const checked = await inventoryWithChecks(target, { ...rest, secrets: true });
  const image = checked.inventory.image;
  const config = image ? runImageConfigChecks({ image, ...(checked.tree ? { tree: checked.tree } : {}), now: options.now ?? new Date() }) : [];
  return { assessment: { schema: ASSESSMENT_SCHEMA, inventory: checked.inventory, checkFindings: [...checked.findings, ...config], files: {} } };
}

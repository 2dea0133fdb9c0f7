/** Which image files a policy's application-config rules read, so the scan can collect them into Subject.files. */
import type { PolicySet } from './policy-set.js';

export function requiredFilePatterns(policy: PolicySet): string[] {
  return [...new Set(policy.rules.flatMap((r) => r.condition.filePatterns ?? []))].sort();
}

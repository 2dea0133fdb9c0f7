import type { Finding } from '../../domain/finding.js';
import { BadInputError } from '../../domain/errors.js';
import { IMAGE_CONFIG_CHECKS } from './checks.js';
import type { ImageCheckSubject, ImageConfigCheck } from './image-config-check.js';

export type ImageConfigCheckId = (typeof IMAGE_CONFIG_CHECKS)[number]['id'];

/**
 * Runs the named checks (all of them when `params` is omitted; checks whose
 * parameters are required — trusted registries, required labels — only when
 * given) with their parameters validated first.
 */
export function runImageConfigChecks(subject: ImageCheckSubject, params?: Partial<Record<ImageConfigCheckId, unknown>>): Finding[] {
  const findings: Finding[] = [];
  for (const check of IMAGE_CONFIG_CHECKS as readonly ImageConfigCheck[]) {
    const given = params ? (params as Record<string, unknown>)[check.id] : {};
    if (params && !(check.id in params)) continue;
    const parsed = check.params.safeParse(given ?? {});
    if (!parsed.success) {
      if (!params) continue;
      throw new BadInputError(`${check.id}: invalid parameters: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    }
    findings.push(...check.run(subject, parsed.data));
  }
  return findings;
}

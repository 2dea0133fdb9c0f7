/**
 * The text the `docker` CLI prints when the defender refuses a request
 * (after "authorization denied by plugin bulkhead:"): which rule, the
 * advisory or setting behind it, and what to do about it — one line per
 * reason, a handful at most, so it stays readable in a terminal.
 */
import type { Violation } from '../../domain/decision.js';

const OS_ECOSYSTEMS = new Set(['deb', 'apk', 'rpm']);
const MAX_REASONS = 5;

/** One reason, as the user reads it. */
export function violationReason(v: Violation): string {
  const pkg = v.evidence.package;
  const advisory = v.evidence.advisory;
  if (advisory && pkg) {
    const aliases = advisory.aliases.filter((a) => a !== advisory.id && a.startsWith('CVE-')).slice(0, 2);
    const id = aliases.length > 0 ? `${advisory.id} (${aliases.join(', ')})` : advisory.id;
    const fixed = /^upgrade .+ to (.+) or later$/.exec(v.remediation ?? '')?.[1];
    // OS packages come from the base image: the fix is a rebuild on a refreshed base, not a package edit.
    const fix = fixed
      ? `fixed in ${fixed}: ${OS_ECOSYSTEMS.has(pkg.ecosystem) ? `rebuild on an updated base image (or upgrade ${pkg.name})` : `upgrade ${pkg.name}`}`
      : 'no fix is known yet: remove the package or ask for an exception';
    return `[${v.ruleId}] ${pkg.name} ${pkg.version} has ${id}, ${fix}`;
  }
  return `[${v.ruleId}] ${v.message}${v.remediation ? `: ${v.remediation}` : ''}`;
}

export interface DenialContext {
  readonly action: string;
  readonly image?: string;
  readonly policy: string;
  readonly decisionId: string;
}

export function denialMessage(context: DenialContext, violations: readonly Violation[], extra: readonly string[] = []): string {
  const blocking = violations.filter((v) => v.effect === 'block');
  const reasons = [...blocking.slice(0, MAX_REASONS).map(violationReason), ...extra];
  const more = blocking.length > MAX_REASONS ? ` (and ${blocking.length - MAX_REASONS} more)` : '';
  const what = context.image ? `${context.action} of ${context.image}` : context.action;
  return `Bulkhead blocked ${what} under policy ${context.policy}${more}: ${reasons.join('; ')} [decision ${context.decisionId}]`;
}

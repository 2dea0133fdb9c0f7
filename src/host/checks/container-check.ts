/** A section 5 check decided container by container over every running container. */
import type { ContainerInspect } from '../facts/engine-schemas.js';
import type { ContainerFacts } from '../facts/engine-facts.js';
import type { HostFacts } from '../facts/host-facts.js';
import { combine, verdict } from '../host-check.js';
import type { HostCheck, HostCheckVerdict } from '../host-check.js';

export interface ContainerCheckSpec extends Omit<HostCheck, 'evaluate'> {
  /** The verdict for one container; `name` is what evidence should call it. */
  decide(inspect: ContainerInspect, name: string, facts: HostFacts, container: ContainerFacts): HostCheckVerdict;
  /** Decided before looking at containers (e.g. AppArmor absent on the host → not-applicable). */
  precondition?(facts: HostFacts): HostCheckVerdict | undefined;
}

export function containerCheck(spec: ContainerCheckSpec): HostCheck {
  const { decide, precondition, ...base } = spec;
  return {
    ...base,
    evaluate(facts) {
      if (facts.mode === 'offline') return verdict('not-applicable', [], 'offline audit (--root): containers are read through the daemon');
      if (!facts.engine.ok) return verdict('warn', [], facts.engine.reason);
      const containers = facts.engine.value.containers;
      if (!containers.ok) return verdict('warn', [], containers.reason);
      const early = precondition?.(facts);
      if (early) return early;
      const parts = containers.value.map((c) =>
        c.inspect.ok
          ? decide(c.inspect.value, c.name, facts, c)
          : verdict('warn', [{ subject: `container ${c.name}`, field: 'inspect', value: 'unavailable' }], `container ${c.name}: ${c.inspect.reason}`),
      );
      return combine(parts, 'no running containers');
    },
  };
}

export function subjectOf(name: string): string {
  return `container ${name}`;
}

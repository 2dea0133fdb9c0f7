/** CIS section 6: security operations — process checks a person makes; the audit shows the counts that help. */
import { verdict } from '../host-check.js';
import type { HostCheck } from '../host-check.js';

export const securityOperationsChecks: readonly HostCheck[] = [
  {
    id: '6.1',
    title: 'Ensure that image sprawl is avoided',
    level: 1,
    scored: false,
    audit: 'Manual. Shows how many images the daemon holds (/images/json).',
    remediation: 'Remove unused images regularly (docker image prune) and keep only what is deployed.',
    evaluate(facts) {
      const images = facts.engine.ok && facts.engine.value.images.ok ? facts.engine.value.images.value.length : undefined;
      return verdict('manual', images === undefined ? [] : [{ subject: 'daemon', field: 'images', value: String(images) }], 'review which images are still needed');
    },
  },
  {
    id: '6.2',
    title: 'Ensure that container sprawl is avoided',
    level: 1,
    scored: false,
    audit: 'Manual. Shows how many containers are running (/containers/json).',
    remediation: 'Remove stopped containers (docker container prune) and containers no longer needed.',
    evaluate(facts) {
      const running = facts.engine.ok && facts.engine.value.containers.ok ? facts.engine.value.containers.value.length : undefined;
      return verdict('manual', running === undefined ? [] : [{ subject: 'daemon', field: 'running containers', value: String(running) }], 'review which containers are still needed');
    },
  },
];

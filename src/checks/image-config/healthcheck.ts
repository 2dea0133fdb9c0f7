/** HEALTHCHECK present and not disabled (CIS 4.6). */
import { configFinding, NO_PARAMS, type ImageConfigCheck } from './image-config-check.js';

export const healthcheckPresent = {
  id: 'image-healthcheck',
  title: 'No HEALTHCHECK instruction',
  cis: '4.6',
  severity: 'low',
  remediation: 'Add a HEALTHCHECK instruction that probes the service.',
  params: NO_PARAMS,
  run({ image }) {
    const test = image.config.healthcheck?.test ?? [];
    if (test.length > 0 && test[0] !== 'NONE') return [];
    return [configFinding(this, test[0] === 'NONE' ? 'HEALTHCHECK NONE disables the check' : 'no HEALTHCHECK in the image config', { field: 'config.Healthcheck' })];
  },
} satisfies ImageConfigCheck<typeof NO_PARAMS>;

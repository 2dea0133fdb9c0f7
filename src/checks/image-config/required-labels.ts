/** Required labels present and well-formed. */
import { z } from 'zod';
import type { Finding } from '../../domain/finding.js';
import { configFinding, type ImageConfigCheck } from './image-config-check.js';

const labelParams = z
  .object({
    /** Label names that must be present; a value is a regex the label's value must match. */
    labels: z.record(z.string().min(1), z.string().nullable()).refine((r) => Object.keys(r).length > 0, 'name at least one label'),
  })
  .strict();

export const requiredLabels = {
  id: 'image-required-labels',
  title: 'Required label missing or malformed',
  severity: 'low',
  remediation: 'Add the LABEL instructions the policy requires (e.g. org.opencontainers.image.source).',
  params: labelParams,
  run({ image }, params) {
    const findings: Finding[] = [];
    for (const [name, pattern] of Object.entries(params.labels)) {
      const value = image.config.labels[name];
      if (value === undefined) findings.push(configFinding(this, `label ${name} is missing`, { field: `config.Labels.${name}` }));
      else if (pattern !== null && !new RegExp(pattern).test(value)) findings.push(configFinding(this, `label ${name}=${JSON.stringify(value.slice(0, 200))} does not match /${pattern}/`, { field: `config.Labels.${name}` }));
    }
    return findings;
  },
} satisfies ImageConfigCheck<typeof labelParams>;

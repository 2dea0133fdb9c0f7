/** Image age within N days. */
import { z } from 'zod';
import { configFinding, type ImageConfigCheck } from './image-config-check.js';

const ageParams = z.object({ maxDays: z.number().int().positive().default(365) }).strict();
const DAY_MS = 86_400_000;

export const imageAge = {
  id: 'image-max-age',
  title: 'Image older than allowed',
  severity: 'medium',
  remediation: 'Rebuild the image on a current base image.',
  params: ageParams,
  run({ image, now }, params) {
    const created = image.created ? Date.parse(image.created) : NaN;
    if (Number.isNaN(created)) return [configFinding(this, 'the image has no valid creation date', { field: 'Created' }, 'low')];
    const days = Math.floor(((now ?? new Date()).getTime() - created) / DAY_MS);
    return days > params.maxDays ? [configFinding(this, `created ${image.created} (${days} days ago, more than ${params.maxDays})`, { field: 'Created' })] : [];
  },
} satisfies ImageConfigCheck<typeof ageParams>;

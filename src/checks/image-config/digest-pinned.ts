/** The reference is pinned by digest. */
import { parseImageReference } from '../../image/sources/image-reference.js';
import { configFinding, NO_PARAMS, type ImageConfigCheck } from './image-config-check.js';

export const digestPinned = {
  id: 'image-digest-pinned',
  title: 'Image reference not pinned by digest',
  severity: 'low',
  remediation: 'Refer to the image by digest (name@sha256:…).',
  params: NO_PARAMS,
  /** Judges the reference the image was asked for; without one there is nothing to judge. */
  run({ reference }) {
    if (!reference) return [];
    try {
      if (parseImageReference(reference).digest) return [];
    } catch {
      // A target that is not an image reference (a file path) cannot be pinned either.
    }
    return [configFinding(this, `${reference} is not pinned by digest`, { field: 'reference' })];
  },
} satisfies ImageConfigCheck<typeof NO_PARAMS>;

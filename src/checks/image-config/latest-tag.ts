/** No 'latest' tag. */
import { parseImageReference } from '../../image/sources/image-reference.js';
import { configFinding, NO_PARAMS, type ImageConfigCheck } from './image-config-check.js';

export const noLatestTag = {
  id: 'image-no-latest-tag',
  title: "Image referred to by the 'latest' tag",
  severity: 'low',
  remediation: 'Tag images with a version and deploy that tag (or a digest).',
  params: NO_PARAMS,
  run({ image, reference }) {
    const names = reference ? [reference] : image.repoTags;
    const latest = names.filter((name) => {
      try {
        const ref = parseImageReference(name);
        return ref.digest === undefined && (ref.tag ?? 'latest') === 'latest';
      } catch {
        return false;
      }
    });
    return latest.map((name) => configFinding(this, `${name} uses the latest tag`, { field: reference ? 'reference' : 'RepoTags' }));
  },
} satisfies ImageConfigCheck<typeof NO_PARAMS>;

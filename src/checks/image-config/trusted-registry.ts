/** Images only from trusted registries. */
import { z } from 'zod';
import { parseImageReference } from '../../image/sources/image-reference.js';
import { pathGlobs } from '../path-glob.js';
import { configFinding, type ImageConfigCheck } from './image-config-check.js';

/** Registries of the image's names (tags and digests), as Docker normalizes them. */
export function imageRegistries(names: readonly string[]): string[] {
  const out = new Set<string>();
  for (const name of names) {
    try {
      out.add(parseImageReference(name).domain);
    } catch {
      out.add('(unparseable)');
    }
  }
  return [...out].sort();
}

const registryParams = z
  .object({
    /** Registry host globs ('registry.example.com', '*.dkr.ecr.*.amazonaws.com', 'docker.io'). */
    registries: z.array(z.string().min(1)).min(1),
  })
  .strict();

export const trustedRegistry = {
  id: 'image-trusted-registry',
  title: 'Image from a registry outside the trusted list',
  severity: 'high',
  remediation: 'Pull the image from (or mirror it into) a trusted registry.',
  params: registryParams,
  run({ image, reference }, params) {
    const trusted = pathGlobs(params.registries);
    const names = [...(reference ? [reference] : []), ...image.repoTags, ...image.repoDigests];
    if (names.length === 0) return [configFinding(this, 'the image names no registry (no tags, digests or reference)', { field: 'RepoTags' })];
    return imageRegistries(names)
      .filter((registry) => !trusted.test(registry))
      .map((registry) => configFinding(this, `${registry} is not trusted`, { field: 'RepoTags' }));
  },
} satisfies ImageConfigCheck<typeof registryParams>;

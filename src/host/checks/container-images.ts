/**
 * CIS section 4: images. 4.1 (non-root user) and 4.6 (HEALTHCHECK) run the
 * image-configuration checks of src/checks/image-config over every image the
 * daemon holds, read through the Engine API's image inspect (configuration
 * only: no layers are pulled). The rest of section 4 is process, reported manual.
 */
import { runImageConfigChecks } from '../../checks/image-config/index.js';
import type { ImageConfigCheckId } from '../../checks/image-config/index.js';
import type { ImageMetadata } from '../../domain/image.js';
import type { ImageInspect } from '../facts/engine-schemas.js';
import type { HostFacts } from '../facts/host-facts.js';
import { combine, verdict } from '../host-check.js';
import type { HostCheck, HostCheckVerdict } from '../host-check.js';

function imageMetadata(inspect: ImageInspect): ImageMetadata {
  const config = inspect.Config ?? {};
  const hc = config.Healthcheck;
  return {
    configDigest: inspect.Id,
    repoTags: inspect.RepoTags ?? [],
    repoDigests: inspect.RepoDigests ?? [],
    os: inspect.Os ?? 'linux',
    architecture: inspect.Architecture ?? '',
    ...(inspect.Created ? { created: inspect.Created } : {}),
    config: {
      ...(config.User ? { user: config.User } : {}),
      env: config.Env ?? [],
      exposedPorts: [],
      volumes: [],
      labels: config.Labels ?? {},
      ...(hc?.Test ? { healthcheck: { test: hc.Test, ...(hc.Interval ? { interval: hc.Interval } : {}), ...(hc.Timeout ? { timeout: hc.Timeout } : {}), ...(hc.Retries ? { retries: hc.Retries } : {}) } } : {}),
    },
    history: [],
    layers: [],
  };
}

function imageConfigCheck(id: string, title: string, checkId: ImageConfigCheckId, field: string, show: (i: ImageInspect) => string, remediation: string): HostCheck {
  return {
    id,
    title,
    level: 1,
    scored: true,
    audit: `Runs Bulkhead's image-config check \`${checkId}\` over every image from /images/json, using /images/{id}/json (${field}).`,
    remediation,
    evaluate(facts: HostFacts) {
      if (facts.mode === 'offline') return verdict('not-applicable', [], 'offline audit (--root): images are read through the daemon');
      if (!facts.engine.ok) return verdict('warn', [], facts.engine.reason);
      const images = facts.engine.value.images;
      if (!images.ok) return verdict('warn', [], images.reason);
      const parts: HostCheckVerdict[] = images.value.map((image) => {
        if (!image.inspect.ok) return verdict('warn', [{ subject: `image ${image.name}`, field, value: 'unknown' }], `image ${image.name}: ${image.inspect.reason}`);
        const findings = runImageConfigChecks({ image: imageMetadata(image.inspect.value) }, { [checkId]: {} });
        const evidence = [{ subject: `image ${image.name}`, field, value: show(image.inspect.value) }];
        return verdict(findings.length > 0 ? 'fail' : 'pass', evidence);
      });
      return combine(parts, 'no images on this host');
    },
  };
}

const manual = (id: string, title: string, level: 1 | 2, what: string): HostCheck => ({
  id,
  title,
  level,
  scored: false,
  audit: `Manual: ${what}`,
  remediation: what,
  evaluate: () => verdict('manual', [], what),
});

export const containerImagesChecks: readonly HostCheck[] = [
  imageConfigCheck(
    '4.1',
    'Ensure that a user for the container has been created',
    'image-user-not-root',
    'Config.User',
    (i) => i.Config?.User || '(unset: root)',
    'Add a USER instruction with a non-root user to the Dockerfile and rebuild.',
  ),
  manual('4.2', 'Ensure that containers use only trusted base images', 1, 'review base images against your trusted registries (Bulkhead policy rule image-trusted-registry can enforce this).'),
  manual('4.3', 'Ensure that unnecessary packages are not installed in the container', 1, 'review each image\'s packages (`bulkhead sbom IMAGE`).'),
  manual('4.4', 'Ensure images are scanned and rebuilt to include security patches', 1, 'scan images (`bulkhead scan IMAGE`) and rebuild them when fixes are published.'),
  {
    id: '4.5',
    title: 'Ensure Content trust for Docker is Enabled',
    level: 2,
    scored: true,
    audit: 'DOCKER_CONTENT_TRUST must be 1 in the environment of the audit, as `echo $DOCKER_CONTENT_TRUST` shows.',
    remediation: 'export DOCKER_CONTENT_TRUST=1 in the shell profile of users who pull and run images.',
    evaluate: (facts) => verdict(facts.contentTrust === '1' ? 'pass' : 'fail', [{ subject: 'environment', field: 'DOCKER_CONTENT_TRUST', value: facts.contentTrust ?? '(unset)' }]),
  },
  imageConfigCheck(
    '4.6',
    'Ensure that HEALTHCHECK instructions have been added to container images',
    'image-healthcheck',
    'Config.Healthcheck',
    (i) => (i.Config?.Healthcheck?.Test ?? []).join(' ') || '(none)',
    'Add a HEALTHCHECK instruction to the Dockerfile and rebuild.',
  ),
  manual('4.7', 'Ensure update instructions are not used alone in Dockerfiles', 1, 'review Dockerfiles (`bulkhead lint`) for RUN apt-get update without install in the same layer.'),
  manual('4.8', 'Ensure setuid and setgid permissions are removed', 2, 'review images for setuid/setgid files (Bulkhead check image-setuid-files in `bulkhead scan`).'),
  manual('4.9', 'Ensure that COPY is used instead of ADD in Dockerfiles', 1, 'review Dockerfiles and image history for ADD with remote URLs.'),
  manual('4.10', 'Ensure secrets are not stored in Dockerfiles', 1, 'review Dockerfiles and images for secrets (`bulkhead scan` reports secrets).'),
  manual('4.11', 'Ensure only verified packages are installed', 2, 'review that package installs verify signatures (GPG keys, checksums).'),
  manual('4.12', 'Ensure all signed artifacts are validated', 2, 'validate signatures of artifacts before use.'),
];

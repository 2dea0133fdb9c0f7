/**
 * The image configuration checks: CIS Docker Benchmark section 4 image
 * recommendations and their kin, each a pure function of the image metadata
 * (and the file tree for setuid/setgid).
 */
import { z } from 'zod';
import type { Finding } from '../../domain/finding.js';
import { parseImageReference } from '../../image/sources/image-reference.js';
import { pathGlobs } from '../path-glob.js';
import { scanImageConfigForSecrets } from '../secrets/scan-image-config.js';
import { BUILTIN_SECRET_RULES } from '../secrets/builtin-rules.js';
import { compileSecretAllowList, secretAllowListSchema } from '../secrets/secret-allow-list.js';
import { configFinding, type ImageConfigCheck } from './image-config-check.js';

const noParams = z.object({}).strict();

/** `USER` is root when empty (the default), 'root' or uid 0, with or without a group. */
export function isRootUser(user: string | undefined): boolean {
  const name = (user ?? '').split(':')[0]?.trim() ?? '';
  return name === '' || name === 'root' || /^0+$/.test(name);
}

export const nonRootUser = {
  id: 'image-user-not-root',
  title: 'Container runs as root',
  cis: '4.1',
  severity: 'high',
  remediation: 'Add a USER instruction with a non-root user (e.g. USER 10001) after installing packages.',
  params: noParams,
  run({ image }) {
    if (!isRootUser(image.config.user)) return [];
    const detail = image.config.user ? `USER is ${image.config.user}` : 'no USER set (defaults to root)';
    return [configFinding(this, detail, { field: 'config.User' })];
  },
} satisfies ImageConfigCheck<typeof noParams>;

export const healthcheckPresent = {
  id: 'image-healthcheck',
  title: 'No HEALTHCHECK instruction',
  cis: '4.6',
  severity: 'low',
  remediation: 'Add a HEALTHCHECK instruction that probes the service.',
  params: noParams,
  run({ image }) {
    const test = image.config.healthcheck?.test ?? [];
    if (test.length > 0 && test[0] !== 'NONE') return [];
    return [configFinding(this, test[0] === 'NONE' ? 'HEALTHCHECK NONE disables the check' : 'no HEALTHCHECK in the image config', { field: 'config.Healthcheck' })];
  },
} satisfies ImageConfigCheck<typeof noParams>;

/** `ADD [--flags] URL …` as the classic builder (`#(nop) ADD`) and BuildKit record it. */
const ADD_REMOTE = /(?:^|#\(nop\)\s+|\s)ADD(?:\s+--[a-z-]{1,20}(?:=\S{0,200})?){0,8}\s+(?:https?|ftp):\/\/\S{1,2000}/i;
const ADD_GIT = /(?:^|#\(nop\)\s+|\s)ADD(?:\s+--[a-z-]{1,20}(?:=\S{0,200})?){0,8}\s+(?:git@|git:\/\/|https?:\/\/\S{1,2000}\.git(?:[#\s]|$))/i;

export const noRemoteAdd = {
  id: 'image-no-add-remote',
  title: 'ADD fetches a remote URL',
  cis: '4.9',
  severity: 'medium',
  remediation: 'Use COPY for local files; download with curl/wget in a RUN step that verifies a checksum.',
  params: noParams,
  run({ image }) {
    const findings: Finding[] = [];
    image.history.forEach((entry, i) => {
      const createdBy = entry.createdBy ?? '';
      const m = ADD_REMOTE.exec(createdBy) ?? ADD_GIT.exec(createdBy);
      if (m) findings.push(configFinding(this, m[0].trim().slice(0, 300), { field: `history[${i}].created_by`, createdBy: createdBy.slice(0, 500) }));
    });
    return findings;
  },
} satisfies ImageConfigCheck<typeof noParams>;

const setuidParams = z
  .object({
    /** Path globs of setuid/setgid files that are accepted. */
    allow: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const setuidFiles = {
  id: 'image-setuid-files',
  title: 'setuid/setgid file',
  cis: '4.8',
  severity: 'medium',
  remediation: 'Remove the setuid/setgid bits (RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +) or allow-list the file.',
  params: setuidParams,
  run({ tree }, params) {
    if (!tree) return [];
    const allowed = pathGlobs(params.allow);
    const findings: Finding[] = [];
    for (const entry of tree.entries()) {
      if (entry.type !== 'file' || (entry.mode & 0o6000) === 0 || allowed.test(entry.path)) continue;
      const bits = [(entry.mode & 0o4000) !== 0 ? 'setuid' : '', (entry.mode & 0o2000) !== 0 ? 'setgid' : ''].filter(Boolean).join('+');
      findings.push(configFinding(this, `${entry.path} is ${bits} (mode ${(entry.mode & 0o7777).toString(8).padStart(4, '0')}, uid ${entry.uid})`, { path: entry.path, ...(entry.layer ? { layer: entry.layer } : {}) }));
    }
    return findings.sort((a, b) => (a.location?.path ?? '').localeCompare(b.location?.path ?? ''));
  },
} satisfies ImageConfigCheck<typeof setuidParams>;

const secretsParams = z.object({ allow: secretAllowListSchema.optional() }).strict();

export const noConfigSecrets = {
  id: 'image-no-secrets',
  title: 'Secret in the image configuration or build history',
  cis: '4.10',
  severity: 'high',
  remediation: 'Pass secrets at run time or with BuildKit secret mounts (RUN --mount=type=secret), never through ENV, ARG or LABEL.',
  params: secretsParams,
  /** Delegates to the secret rules; findings stay kind 'secret' and gain the CIS alias. */
  run({ image }, params) {
    return scanImageConfigForSecrets(image, BUILTIN_SECRET_RULES, compileSecretAllowList(params.allow)).map((f) => ({ ...f, aliases: [...f.aliases, 'CIS-Docker-4.10'] }));
  },
} satisfies ImageConfigCheck<typeof secretsParams>;

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

export const noLatestTag = {
  id: 'image-no-latest-tag',
  title: "Image referred to by the 'latest' tag",
  severity: 'low',
  remediation: 'Tag images with a version and deploy that tag (or a digest).',
  params: noParams,
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
} satisfies ImageConfigCheck<typeof noParams>;

export const digestPinned = {
  id: 'image-digest-pinned',
  title: 'Image reference not pinned by digest',
  severity: 'low',
  remediation: 'Refer to the image by digest (name@sha256:…).',
  params: noParams,
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
} satisfies ImageConfigCheck<typeof noParams>;

export const IMAGE_CONFIG_CHECKS = [nonRootUser, healthcheckPresent, noRemoteAdd, setuidFiles, noConfigSecrets, trustedRegistry, imageAge, requiredLabels, noLatestTag, digestPinned] as const;

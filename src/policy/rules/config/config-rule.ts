/**
 * `config:` rules — image configuration (the CIS Docker Benchmark image checks
 * and their kin). Two forms, usable together: findings of the checks stage
 * referenced by id (`checks: ['cis-4.1']`, globs allowed; `secrets: true` for
 * every secret finding), and direct conditions on the image configuration,
 * each a small pure test. Each listed condition that fails is one violation.
 */
import { z } from 'zod';
import type { Finding } from '../../../domain/finding.js';
import { compileGlob } from '../../glob.js';
import type { EvaluationInput } from '../../evaluation-input.js';
import { defineRuleKind, type RuleHit } from '../../rule-kind.js';

const schema = z.strictObject({
  checks: z.array(z.string().min(1)).min(1).optional(),
  secrets: z.boolean().optional(),
  notRoot: z.boolean().optional(),
  healthcheck: z.boolean().optional(),
  requiredLabels: z.array(z.string().min(1)).min(1).optional(),
  noLatestTag: z.boolean().optional(),
  digestPinned: z.boolean().optional(),
  trustedRegistries: z.array(z.string().min(1)).min(1).optional(),
  maxAgeDays: z.int().min(0).optional(),
  noRemoteAdd: z.boolean().optional(),
});

type Params = z.infer<typeof schema>;

type DirectCheck = (input: EvaluationInput) => RuleHit | undefined;

const REMOTE_ADD = /(?:^|\s)ADD\s+(?:--[a-z-]+(?:=\S+)?\s+)*(https?|ftp):\/\//i;

function findingHit(f: Finding): RuleHit {
  return {
    message: `${f.kind} finding ${f.id}${f.summary ? `: ${f.summary}` : ''}`,
    severity: f.severity,
    evidence: {
      finding: { kind: f.kind, id: f.id },
      ...(f.package?.path ? { file: f.package.path } : {}),
      ...(f.package?.layer ? { layer: f.package.layer } : {}),
    },
    ...(f.fixedVersions[0] ? { remediation: f.fixedVersions[0] } : {}),
  };
}

export const configRule = defineRuleKind<Params>({
  name: 'config',
  schema,
  compile(params, ctx) {
    const direct: DirectCheck[] = [];
    if (params.notRoot) {
      direct.push(({ image }) =>
        image.runsAsRoot
          ? { message: `the image runs as root (USER ${JSON.stringify(image.user)})`, evidence: { field: 'config.user', value: image.user }, remediation: 'add USER with a non-root uid to the Dockerfile' }
          : undefined,
      );
    }
    if (params.healthcheck) {
      direct.push(({ image }) =>
        image.healthcheck ? undefined : { message: 'the image has no HEALTHCHECK', evidence: { field: 'config.healthcheck' }, remediation: 'add a HEALTHCHECK instruction to the Dockerfile' },
      );
    }
    for (const label of params.requiredLabels ?? []) {
      direct.push(({ image }) =>
        image.labels[label] !== undefined && image.labels[label] !== ''
          ? undefined
          : { message: `required label ${label} is missing`, evidence: { field: `config.labels.${label}` }, remediation: `add LABEL ${label}=… to the Dockerfile` },
      );
    }
    if (params.noLatestTag) {
      direct.push(({ image }) =>
        image.tags.includes('latest')
          ? { message: 'the image is referenced by the tag "latest"', evidence: { field: 'reference', value: image.reference }, remediation: 'reference a versioned tag or a digest' }
          : undefined,
      );
    }
    if (params.digestPinned) {
      direct.push(({ image }) =>
        image.pinnedByDigest
          ? undefined
          : { message: `the reference ${image.reference || '(none)'} is not pinned by digest`, evidence: { field: 'reference', value: image.reference }, remediation: 'reference the image as name@sha256:…' },
      );
    }
    if (params.trustedRegistries) {
      const globs: RegExp[] = [];
      params.trustedRegistries.forEach((g, i) => {
        try {
          globs.push(compileGlob(g));
        } catch (error) {
          ctx.problems.push({ path: ['trustedRegistries', i], message: (error as Error).message });
        }
      });
      // A pattern names a registry ('ghcr.io') or a repository prefix ('ghcr.io/acme/**').
      direct.push(({ image }) =>
        globs.some((re) => re.test(image.registry) || re.test(image.repository))
          ? undefined
          : {
              message: `registry ${image.registry || '(unknown)'} is not trusted`,
              evidence: { field: 'reference', value: image.repository },
              remediation: `pull from one of: ${params.trustedRegistries?.join(', ')}`,
            },
      );
    }
    if (params.maxAgeDays !== undefined) {
      const max = params.maxAgeDays;
      direct.push(({ image }) =>
        image.ageDays > max
          ? { message: `the image is ${image.ageDays} days old (more than ${max})`, evidence: { field: 'created', value: image.created }, remediation: 'rebuild the image on a current base' }
          : undefined,
      );
    }
    if (params.noRemoteAdd) {
      direct.push(({ image, subject }) => {
        const index = image.history.findIndex((h) => REMOTE_ADD.test(h));
        if (index < 0) return undefined;
        const layer = subject.image?.metadata?.layers.find((l) => l.createdBy === image.history[index])?.diffId;
        return {
          message: 'a layer was built with ADD of a remote URL',
          evidence: { field: `history[${index}]`, value: image.history[index]?.slice(0, 200), ...(layer ? { layer } : {}) },
          remediation: 'download with curl/wget and verify a checksum, or COPY a vetted file',
        };
      });
    }
    const idGlobs: RegExp[] = [];
    (params.checks ?? []).forEach((id, i) => {
      try {
        idGlobs.push(compileGlob(id));
      } catch (error) {
        ctx.problems.push({ path: ['checks', i], message: (error as Error).message });
      }
    });
    const wantsFindings = idGlobs.length > 0 || params.secrets === true;
    if (direct.length === 0 && !wantsFindings) {
      ctx.problems.push({ path: [], message: 'a config rule needs at least one condition (checks, secrets, notRoot, healthcheck, requiredLabels, …)' });
    }
    return {
      check(input) {
        const hits: RuleHit[] = [];
        let checked = 0;
        if (wantsFindings) {
          for (const f of input.subject.findings) {
            if (f.kind !== 'config' && f.kind !== 'secret') continue;
            if (f.suppressed) continue;
            checked++;
            const byId = idGlobs.some((re) => re.test(f.id));
            if (byId || (params.secrets === true && f.kind === 'secret')) hits.push(findingHit(f));
          }
        }
        if (direct.length > 0) {
          if (!input.image.known) {
            if (!wantsFindings) return { applies: false, reason: 'the subject has no image configuration (directory or SBOM target)' };
          } else {
            for (const d of direct) {
              const hit = d(input);
              if (hit) hits.push(hit);
            }
          }
        }
        return { applies: true, hits, checked: `${direct.length} image condition(s), ${checked} config/secret finding(s) checked` };
      },
    };
  },
});

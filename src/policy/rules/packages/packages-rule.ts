/**
 * `packages:` rules — the versioning of what is inside an image: banned
 * packages or version ranges (in each package's own version scheme), required
 * minimum versions, allowed base images, and license allow/deny lists.
 * A package name matches the package's own name or its source package
 * (Debian source, apk origin, source RPM), so `openssl` also catches `libssl3`.
 */
import { z } from 'zod';
import { ECOSYSTEMS, type Ecosystem } from '../../../domain/ecosystem.js';
import type { Package } from '../../../domain/package.js';
import { schemeForEcosystem } from '../../../version/index.js';
import { parseImageReference, formatReference } from '../../../image/sources/image-reference.js';
import { compileGlob } from '../../glob.js';
import { BASE_DIGEST_LABEL, BASE_NAME_LABEL } from '../../image-facts.js';
import type { EvaluationInput } from '../../evaluation-input.js';
import { defineRuleKind, type CompileContext, type RuleHit } from '../../rule-kind.js';
import { parseVersionConstraint, satisfiesConstraint, type VersionConstraint } from './version-constraint.js';
import { licenseOffenders, parseLicenseExpression } from './spdx-expression.js';

const packageRef = {
  name: z.string().min(1),
  ecosystem: z.enum(ECOSYSTEMS).optional(),
};

const schema = z.strictObject({
  banned: z.array(z.strictObject({ ...packageRef, versions: z.string().min(1).optional(), reason: z.string().optional() })).min(1).optional(),
  required: z.array(z.strictObject({ ...packageRef, minVersion: z.string().min(1) })).min(1).optional(),
  baseImages: z
    .strictObject({
      allowed: z.array(z.string().min(1)).min(1),
      allowUnknown: z.boolean().default(false),
    })
    .optional(),
  licenses: z
    .strictObject({
      allow: z.array(z.string().min(1)).min(1).optional(),
      deny: z.array(z.string().min(1)).min(1).optional(),
      /** Packages that declare no license: 'allow' (default) or 'violate'. */
      undeclared: z.enum(['allow', 'violate']).default('allow'),
      ecosystems: z.array(z.enum(ECOSYSTEMS)).min(1).optional(),
    })
    .optional(),
});

type Params = z.infer<typeof schema>;

interface NameMatcher {
  readonly name: string;
  readonly ecosystem?: Ecosystem;
  /** True when the name is compared as written (no glob), so candidates can be picked by a set lookup. */
  readonly exact: boolean;
  /** Returns the version to compare (own or source), or undefined when the package is not this one. */
  match(p: Package): string | undefined;
}

function nameMatcher(name: string, ecosystem: Ecosystem | undefined, ctx: CompileContext, path: (string | number)[]): NameMatcher {
  let test: (n: string) => boolean = (n) => n === name;
  let exact = true;
  if (/[*?[{]/.test(name)) {
    try {
      const re = compileGlob(name);
      // The literal text before the first wildcard rejects most names without running the regex.
      const prefix = name.slice(0, name.search(/[*?[{]/));
      test = (n) => n.startsWith(prefix) && re.test(n);
      exact = false;
    } catch (error) {
      ctx.problems.push({ path, message: (error as Error).message });
    }
  }
  return {
    name,
    ...(ecosystem ? { ecosystem } : {}),
    exact,
    match(p) {
      if (ecosystem && p.ecosystem !== ecosystem) return undefined;
      if (test(p.name)) return p.version;
      if (p.source && test(p.source.name)) return p.source.version ?? p.version;
      return undefined;
    },
  };
}

/**
 * The packages the matchers can match, in subject order: when every name is
 * exact, only those whose own or source name is one of them (a set lookup per
 * package instead of every matcher on every package), else all.
 */
function candidateFilter(matchers: readonly NameMatcher[]): (input: EvaluationInput) => readonly Package[] {
  if (!matchers.every((m) => m.exact)) return (input) => input.subject.packages;
  const names = new Set(matchers.map((m) => m.name));
  return (input) => input.subject.packages.filter((p) => names.has(p.name) || (p.source !== undefined && names.has(p.source.name)));
}

function parseConstraint(text: string, ecosystem: Ecosystem | undefined, ctx: CompileContext, path: (string | number)[]): VersionConstraint | undefined {
  try {
    const constraint = parseVersionConstraint(text);
    if (ecosystem) {
      const scheme = schemeForEcosystem(ecosystem);
      for (const terms of constraint.alternatives) {
        for (const t of terms) {
          if (!scheme.valid(t.version)) ctx.problems.push({ path, message: `${JSON.stringify(t.version)} is not a valid ${scheme.name} version` });
        }
      }
    }
    return constraint;
  } catch (error) {
    ctx.problems.push({ path, message: (error as Error).message });
    return undefined;
  }
}

type ConstraintTest = (ecosystem: Ecosystem, version: string) => boolean;

const MEMO_LIMIT = 10_000;

/**
 * A compiled constraint: whether a version, in its ecosystem's scheme, is
 * inside. The version schemes parse both sides on every comparison, and the
 * same package versions recur across rules and images (base image layers), so
 * answers are remembered per constraint — a pure function of
 * (ecosystem, version), bounded like the license memo.
 */
function constraintTest(constraint: VersionConstraint | undefined): ConstraintTest | undefined {
  if (!constraint) return undefined;
  const memo = new Map<string, boolean>();
  return (ecosystem, version) => {
    const key = `${ecosystem}\u0000${version}`;
    let inside = memo.get(key);
    if (inside === undefined) {
      inside = satisfiesConstraint(constraint, schemeForEcosystem(ecosystem), version);
      if (memo.size < MEMO_LIMIT) memo.set(key, inside);
    }
    return inside;
  };
}

function packageEvidence(p: Package): RuleHit['evidence'] {
  const loc = p.locations[0];
  return {
    package: { name: p.name, version: p.version, ecosystem: p.ecosystem, purl: p.purl },
    ...(loc?.path ? { file: loc.path } : {}),
    ...(loc?.layer ? { layer: loc.layer } : {}),
  };
}

function globList(patterns: readonly string[], ctx: CompileContext, path: (string | number)[]): ((s: string) => boolean) {
  const res: RegExp[] = [];
  patterns.forEach((p, i) => {
    try {
      res.push(compileGlob(p.toLowerCase()));
    } catch (error) {
      ctx.problems.push({ path: [...path, i], message: (error as Error).message });
    }
  });
  return (s) => {
    const lower = s.toLowerCase();
    return res.some((re) => re.test(lower));
  };
}

export const packagesRule = defineRuleKind<Params>({
  name: 'packages',
  schema,
  compile(params, ctx) {
    const checks: ((input: EvaluationInput, hits: RuleHit[]) => void)[] = [];
    const applicable: string[] = [];
    if (!params.banned && !params.required && !params.baseImages && !params.licenses) {
      ctx.problems.push({ path: [], message: 'a packages rule needs one of banned, required, baseImages, licenses' });
    }

    const banned = (params.banned ?? []).map((b, i) => ({
      spec: b,
      matcher: nameMatcher(b.name, b.ecosystem, ctx, ['banned', i, 'name']),
      constraint: b.versions === undefined ? undefined : constraintTest(parseConstraint(b.versions, b.ecosystem, ctx, ['banned', i, 'versions'])),
    }));
    if (banned.length > 0) {
      applicable.push('banned');
      const candidates = candidateFilter(banned.map((b) => b.matcher));
      checks.push((input, hits) => {
        for (const p of candidates(input)) {
          for (const b of banned) {
            const version = b.matcher.match(p);
            if (version === undefined) continue;
            if (b.constraint && !b.constraint(p.ecosystem, version)) continue;
            const what = b.spec.versions ? `${b.spec.name} ${b.spec.versions}` : b.spec.name;
            hits.push({
              message: `${p.name} ${p.version} (${p.ecosystem}) is banned: ${what}${b.spec.reason ? ` — ${b.spec.reason}` : ''}`,
              evidence: packageEvidence(p),
              remediation: b.spec.versions ? `move ${p.name} outside ${b.spec.versions}` : `remove ${p.name} from the image`,
            });
          }
        }
      });
    }

    const required = (params.required ?? []).map((r, i) => ({
      spec: r,
      matcher: nameMatcher(r.name, r.ecosystem, ctx, ['required', i, 'name']),
      constraint: constraintTest(parseConstraint(`<${r.minVersion}`, r.ecosystem, ctx, ['required', i, 'minVersion'])),
    }));
    if (required.length > 0) {
      applicable.push('required');
      const candidates = candidateFilter(required.map((r) => r.matcher));
      checks.push((input, hits) => {
        for (const p of candidates(input)) {
          for (const r of required) {
            const version = r.matcher.match(p);
            if (version === undefined || !r.constraint) continue;
            if (!r.constraint(p.ecosystem, version)) continue;
            hits.push({
              message: `${p.name} ${p.version} (${p.ecosystem}) is older than the required ${r.spec.name} ${r.spec.minVersion}`,
              evidence: packageEvidence(p),
              remediation: `upgrade ${p.name} to ${r.spec.minVersion} or later`,
            });
          }
        }
      });
    }

    if (params.baseImages) {
      const base = params.baseImages;
      const digests = new Set(base.allowed.filter((a) => /^sha(256|384|512):/.test(a)));
      const names = base.allowed.filter((a) => !digests.has(a));
      const nameOk = globList(names, ctx, ['baseImages', 'allowed']);
      checks.push((input, hits) => {
        // Directory and SBOM subjects have no image configuration to name a base.
        if (!input.image.known) return;
        const labels = input.image.labels;
        const baseName = labels[BASE_NAME_LABEL];
        const baseDigest = labels[BASE_DIGEST_LABEL];
        if (!baseName && !baseDigest) {
          if (!base.allowUnknown) {
            hits.push({
              message: `the base image is unknown: the image has neither ${BASE_NAME_LABEL} nor ${BASE_DIGEST_LABEL}`,
              evidence: { field: `config.labels.${BASE_NAME_LABEL}` },
              remediation: `build with a base image annotation (docker buildx: --label ${BASE_NAME_LABEL}=…) from an allowed base`,
            });
          }
          return;
        }
        if (baseDigest && digests.has(baseDigest)) return;
        if (baseName) {
          let normalized = baseName;
          try {
            normalized = formatReference(parseImageReference(baseName));
          } catch {
            // an unparsable name is matched as written
          }
          if (nameOk(baseName) || nameOk(normalized)) return;
        }
        hits.push({
          message: `base image ${baseName ?? ''}${baseDigest ? `@${baseDigest}` : ''} is not an allowed base image`,
          evidence: { field: `config.labels.${baseName ? BASE_NAME_LABEL : BASE_DIGEST_LABEL}`, value: baseName ?? baseDigest ?? '' },
          remediation: `rebuild FROM one of: ${base.allowed.join(', ')}`,
        });
      });
      applicable.push('baseImages');
    }

    if (params.licenses) {
      const lic = params.licenses;
      if (!lic.allow && !lic.deny) ctx.problems.push({ path: ['licenses'], message: 'licenses needs allow or deny (or both)' });
      const allowed = lic.allow ? globList(lic.allow, ctx, ['licenses', 'allow']) : undefined;
      const denied = lic.deny ? globList(lic.deny, ctx, ['licenses', 'deny']) : undefined;
      const single = (id: string): boolean => (!allowed || allowed(id)) && (!denied || !denied(id));
      const acceptable = (id: string): boolean => {
        const withAt = id.search(/ WITH /i);
        if (withAt < 0) return single(id);
        const baseId = id.slice(0, withAt);
        return (!allowed || allowed(id) || allowed(baseId)) && (!denied || (!denied(id) && !denied(baseId)));
      };
      // Images repeat a handful of license strings across thousands of packages; the
      // verdict depends only on the string, so it is remembered (bounded).
      const memo = new Map<string, readonly string[]>();
      const offendersOf = (license: string): readonly string[] => {
        let found = memo.get(license);
        if (found === undefined) {
          found = licenseOffenders(parseLicenseExpression(license), acceptable);
          if (memo.size < 10_000) memo.set(license, found);
        }
        return found;
      };
      const ecosystems = lic.ecosystems ? new Set<string>(lic.ecosystems) : undefined;
      applicable.push('licenses');
      checks.push((input, hits) => {
        for (const p of input.subject.packages) {
          if (ecosystems && !ecosystems.has(p.ecosystem)) continue;
          if (p.licenses.length === 0) {
            if (lic.undeclared === 'violate') {
              hits.push({ message: `${p.name} ${p.version} declares no license`, evidence: packageEvidence(p), remediation: 'find out the license or replace the package' });
            }
            continue;
          }
          // Several declared entries all apply (AND). Most packages pass, so nothing is allocated for them.
          let offenders: string[] | undefined;
          for (const license of p.licenses) {
            const found = offendersOf(license);
            if (found.length > 0) (offenders ??= []).push(...found);
          }
          if (offenders === undefined) continue;
          hits.push({
            message: `${p.name} ${p.version} is licensed ${p.licenses.join(' AND ')}: ${[...new Set(offenders)].join(', ')} not allowed`,
            evidence: packageEvidence(p),
            remediation: `replace ${p.name} or get an exception from the license owner`,
          });
        }
      });
    }

    return {
      check(input) {
        const hits: RuleHit[] = [];
        for (const c of checks) c(input, hits);
        return { applies: true, hits, checked: `${input.subject.packages.length} package(s) checked for ${applicable.join(', ')}` };
      },
    };
  },
});

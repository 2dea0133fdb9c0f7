/**
 * Rule scopes: which subjects a rule applies to, by image repository or
 * reference, registry, labels (workload labels, then image labels),
 * environment and Kubernetes namespace. Every present field must match; a
 * field lists alternatives. A subject that does not carry the attribute a
 * scope asks for (no namespace outside Kubernetes) is out of scope.
 */
import { compileGlob } from './glob.js';
import type { EvaluationInput } from './evaluation-input.js';
import type { ScopeSpec } from './policy-schema.js';

export type ScopeOutcome = { readonly inScope: true } | { readonly inScope: false; readonly reason: string };

export interface CompiledScope {
  readonly spec: ScopeSpec | undefined;
  test(input: EvaluationInput): ScopeOutcome;
}

export interface GlobProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

function globs(patterns: readonly string[] | undefined, key: string, problems: GlobProblem[]): RegExp[] | undefined {
  if (!patterns) return undefined;
  return patterns.flatMap((p, i) => {
    try {
      return [compileGlob(p)];
    } catch (error) {
      problems.push({ path: [key, i], message: (error as Error).message });
      return [];
    }
  });
}

export function compileScope(spec: ScopeSpec | undefined, problems: GlobProblem[]): CompiledScope {
  if (!spec) return { spec, test: () => ({ inScope: true }) };
  const images = globs(spec.images, 'images', problems);
  const registries = globs(spec.registries, 'registries', problems);
  const environments = globs(spec.environments, 'environments', problems);
  const namespaces = globs(spec.namespaces, 'namespaces', problems);
  const labels = spec.labels
    ? Object.entries(spec.labels).flatMap(([key, value]) => {
        try {
          return [{ key, value, re: compileGlob(value) }];
        } catch (error) {
          problems.push({ path: ['labels', key], message: (error as Error).message });
          return [];
        }
      })
    : undefined;
  return {
    spec,
    test(input) {
      if (images) {
        const names = input.imageNames;
        if (names.length === 0) return { inScope: false, reason: 'scope names images and the subject has no image reference' };
        if (!names.some((n) => images.some((re) => re.test(n)))) return { inScope: false, reason: `image ${names[0]} is not in scope images ${spec.images?.join(', ')}` };
      }
      if (registries && !registries.some((re) => re.test(input.image.registry))) {
        return { inScope: false, reason: `registry ${input.image.registry || '(unknown)'} is not in scope registries ${spec.registries?.join(', ')}` };
      }
      if (environments) {
        const env = input.subject.environment;
        if (env === undefined) return { inScope: false, reason: `scope environments ${spec.environments?.join(', ')}: the subject names no environment` };
        if (!environments.some((re) => re.test(env))) return { inScope: false, reason: `environment ${env} is not in scope ${spec.environments?.join(', ')}` };
      }
      if (namespaces) {
        const ns = input.subject.namespace;
        if (ns === undefined) return { inScope: false, reason: `scope namespaces ${spec.namespaces?.join(', ')}: the subject has no namespace` };
        if (!namespaces.some((re) => re.test(ns))) return { inScope: false, reason: `namespace ${ns} is not in scope ${spec.namespaces?.join(', ')}` };
      }
      if (labels) {
        for (const { key, value, re } of labels) {
          const actual = input.subject.labels?.[key] ?? input.image.labels[key];
          if (actual === undefined || !re.test(actual)) return { inScope: false, reason: `label ${key}=${actual ?? '(unset)'} does not match ${value}` };
        }
      }
      return { inScope: true };
    },
  };
}

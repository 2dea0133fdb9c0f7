/**
 * The one test every route uses to keep a principal inside its collections:
 * does anything the principal's scope admits describe this object? An
 * object is admitted when any of its facets (a repository name, its
 * registry, a Kubernetes namespace, a host name) matches a pattern of that
 * kind; a scope of null admits everything. Facets the caller does not give
 * cannot admit the object, so a scoped principal sees nothing by default.
 */
import { compileGlob } from '../../policy/glob.js';
import type { CollectionPatterns, Principal } from '../principal.js';

export interface ScopedObject {
  /** 'registry/repo' names, as images.repositories stores them. */
  readonly repositories?: readonly string[];
  readonly registry?: string | null;
  readonly namespace?: string | null;
  readonly host?: string | null;
}

const compiled = new Map<string, RegExp>();
const MAX_CACHED = 10_000;

function glob(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = compileGlob(pattern);
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

function anyMatch(patterns: readonly string[] | undefined, value: string | null | undefined): boolean {
  if (!patterns?.length || value === undefined || value === null || value === '') return false;
  for (const p of patterns) if (glob(p).test(value)) return true;
  return false;
}

export function scopeAdmits(scope: CollectionPatterns | null, object: ScopedObject): boolean {
  if (scope === null) return true;
  if (object.repositories?.some((name) => anyMatch(scope.images, name))) return true;
  return anyMatch(scope.registries, object.registry) || anyMatch(scope.namespaces, object.namespace) || anyMatch(scope.hosts, object.host);
}

/** Whether the principal may see the object; undefined principals (public routes) see nothing scoped. */
export function scopeAllows(principal: Principal | undefined, object: ScopedObject): boolean {
  if (!principal) return false;
  return scopeAdmits(principal.scope, object);
}

/**
 * Scope filtering: the union of collections, each facet matched by its own
 * kind of pattern, nothing admitted by default, and the glob semantics of
 * policy/glob (one segment for *, any depth for **).
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '../principal.js';
import { unionPatterns } from './collection-patterns.js';
import { scopeAllows } from './scope-allows.js';

const principal = (scope: Principal['scope']): Principal => ({ kind: 'token', id: 't', name: 't', role: 'developer', scope });

describe('scopeAllows', () => {
  it('admits everything for a null scope and nothing for an empty one', () => {
    expect(scopeAllows(principal(null), {})).toBe(true);
    expect(scopeAllows(principal({}), { repositories: ['registry.example.com/team-a/app'], registry: 'registry.example.com' })).toBe(false);
    expect(scopeAllows(undefined, { repositories: ['x'] })).toBe(false);
  });

  it('matches repositories by image globs, one path segment per *', () => {
    const p = principal({ images: ['registry.example.com/team-a/*'] });
    expect(scopeAllows(p, { repositories: ['registry.example.com/team-a/app'] })).toBe(true);
    expect(scopeAllows(p, { repositories: ['registry.example.com/team-a/sub/app'] })).toBe(false);
    expect(scopeAllows(p, { repositories: ['registry.example.com/team-ab/app'] })).toBe(false);
    expect(scopeAllows(p, { repositories: ['other/app', 'registry.example.com/team-a/app'] })).toBe(true);
    expect(scopeAllows(principal({ images: ['registry.example.com/team-a/**'] }), { repositories: ['registry.example.com/team-a/sub/app'] })).toBe(true);
  });

  it('matches each facet only against its own kind of pattern', () => {
    const p = principal({ registries: ['registry.example.com'], namespaces: ['team-a-*'], hosts: ['web-??'] });
    expect(scopeAllows(p, { registry: 'registry.example.com' })).toBe(true);
    expect(scopeAllows(p, { repositories: ['registry.example.com'] })).toBe(false);
    expect(scopeAllows(p, { namespace: 'team-a-prod' })).toBe(true);
    expect(scopeAllows(p, { namespace: 'team-b-prod' })).toBe(false);
    expect(scopeAllows(p, { host: 'web-01' })).toBe(true);
    expect(scopeAllows(p, { host: 'web-001' })).toBe(false);
    expect(scopeAllows(p, { host: null, namespace: null, registry: null })).toBe(false);
  });

  it('unites several collections', () => {
    const scope = unionPatterns([{ images: ['a/*'] }, { images: ['b/*', 'a/*'], hosts: ['h1'] }, {}]);
    expect(scope).toEqual({ images: ['a/*', 'b/*'], hosts: ['h1'] });
    expect(scopeAllows(principal(scope), { repositories: ['b/x'] })).toBe(true);
    expect(scopeAllows(principal(scope), { host: 'h1' })).toBe(true);
    expect(scopeAllows(principal(scope), { repositories: ['c/x'] })).toBe(false);
  });
});

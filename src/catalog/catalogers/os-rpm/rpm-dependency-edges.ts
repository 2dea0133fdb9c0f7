/**
 * depends-on edges among installed RPMs: each Requires name resolves to the
 * installed packages that Provide it (every package provides its own name)
 * or, for a path, install that file — the way `rpm -q --whatprovides`
 * answers. Requirements nothing installed satisfies (rpmlib(...) features,
 * files of the base image) make no edge.
 */
import type { RelationshipDraft } from '../../cataloger.js';

export interface RpmNode {
  readonly key: string;
  readonly provides: readonly string[];
  readonly requires: readonly string[];
  /** Installed paths that some package requires (the rest are not needed). */
  readonly requiredFiles: readonly string[];
}

export function rpmDependencyEdges(nodes: readonly RpmNode[]): RelationshipDraft[] {
  const providers = new Map<string, Set<string>>();
  const add = (name: string, key: string): void => {
    const keys = providers.get(name) ?? new Set<string>();
    keys.add(key);
    providers.set(name, keys);
  };
  for (const node of nodes) {
    for (const name of node.provides) add(name, node.key);
    for (const path of node.requiredFiles) add(path, node.key);
  }
  const edges: RelationshipDraft[] = [];
  for (const node of nodes) {
    const targets = new Set<string>();
    for (const name of node.requires) for (const key of providers.get(name) ?? []) if (key !== node.key) targets.add(key);
    for (const to of targets) edges.push({ from: node.key, to, type: 'depends-on' });
  }
  return edges;
}

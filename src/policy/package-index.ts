/**
 * Packages of one evaluation's subject by name and by source-package name,
 * built on first use and shared by every rule of that evaluation, so a rule
 * naming a few packages looks them up instead of walking thousands.
 */
import type { EvaluationInput } from './evaluation-input.js';

export interface PackageIndex {
  /** Positions in subject.packages (ascending) of packages whose own or source name is `name`. */
  positionsNamed(name: string): readonly number[];
}

const cache = new WeakMap<EvaluationInput, PackageIndex>();

function buildIndex(input: EvaluationInput): PackageIndex {
  const byName = new Map<string, number[]>();
  const add = (name: string, i: number): void => {
    const list = byName.get(name);
    if (!list) byName.set(name, [i]);
    // A package whose source has its own name is listed once.
    else if (list[list.length - 1] !== i) list.push(i);
  };
  input.subject.packages.forEach((p, i) => {
    add(p.name, i);
    if (p.source) add(p.source.name, i);
  });
  return { positionsNamed: (name) => byName.get(name) ?? [] };
}

export function packageIndex(input: EvaluationInput): PackageIndex {
  let index = cache.get(input);
  if (!index) {
    index = buildIndex(input);
    cache.set(input, index);
  }
  return index;
}

/**
 * Version constraints in policies: comparators `<`, `<=`, `>`, `>=`, `=`, `!=`
 * joined by commas or spaces (all must hold), with `||` between alternatives
 * (any may hold): `<3.0.13`, `>=1.0, <1.1.1w || >=3.0.0 <3.0.13`. Versions are
 * compared in the package's own scheme (dpkg order for deb, PEP 440 for PyPI, …),
 * so the same text means what that ecosystem's tools mean.
 */
import type { VersionScheme } from '../../../version/index.js';

export type Comparator = '<' | '<=' | '>' | '>=' | '=' | '!=';

export interface VersionConstraint {
  readonly text: string;
  readonly alternatives: readonly (readonly { readonly op: Comparator; readonly version: string }[])[];
}

export class VersionConstraintError extends Error {}

const TERM = /^\s*(<=|>=|!=|==|<|>|=)?\s*([^\s,<>=!|]+)\s*,?/;

export function parseVersionConstraint(text: string): VersionConstraint {
  if (text.length > 1024) throw new VersionConstraintError('version constraint longer than 1024 characters');
  const alternatives = text.split('||').map((alt) => {
    const terms: { op: Comparator; version: string }[] = [];
    let rest = alt;
    while (rest.trim() !== '') {
      const m = TERM.exec(rest);
      if (!m || m[0].length === 0) throw new VersionConstraintError(`cannot read version constraint ${JSON.stringify(text)} at ${JSON.stringify(rest.trim())}`);
      const op = (m[1] === '==' ? '=' : (m[1] ?? '=')) as Comparator;
      terms.push({ op, version: m[2] as string });
      rest = rest.slice(m[0].length);
    }
    if (terms.length === 0) throw new VersionConstraintError(`empty alternative in version constraint ${JSON.stringify(text)}`);
    return terms;
  });
  return { text, alternatives };
}

export function satisfiesConstraint(constraint: VersionConstraint, scheme: VersionScheme, version: string): boolean {
  return constraint.alternatives.some((terms) =>
    terms.every(({ op, version: bound }) => {
      const c = scheme.compareLoose(version, bound);
      switch (op) {
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
        case '=':
          return c === 0;
        case '!=':
          return c !== 0;
      }
    }),
  );
}

/**
 * Maven version range specs, parsed as VersionRange.createFromVersionSpec()
 * does and matched as containsVersion() does: `[1.0]`, `[1.0,2.0)`,
 * `(,1.0],[1.2,)`. A bare version (`1.0`) is Maven's *soft* requirement, which
 * any version satisfies; callers that mean "exactly" should write `[1.0]`.
 */
import { BadInputError } from '../domain/errors.js';
import { compareMavenVersions } from './maven.js';

interface Restriction {
  readonly lower?: string;
  readonly lowerInclusive: boolean;
  readonly upper?: string;
  readonly upperInclusive: boolean;
}

function parseRestriction(spec: string, whole: string): Restriction {
  const bad = (why: string): BadInputError => new BadInputError(`invalid Maven version range ${JSON.stringify(whole)}: ${why}`);
  const lowerInclusive = spec.startsWith('[');
  const upperInclusive = spec.endsWith(']');
  const body = spec.slice(1, -1).trim();
  const comma = body.indexOf(',');
  if (comma < 0) {
    if (!lowerInclusive || !upperInclusive) throw bad(`single version must be surrounded by []: ${spec}`);
    return { lower: body, lowerInclusive, upper: body, upperInclusive };
  }
  const lower = body.slice(0, comma).trim();
  const upper = body.slice(comma + 1).trim();
  // Maven 3.8 allows [1.0,1.0] and [,]; only an exclusive range between equal bounds is refused.
  if (lower !== '' && lower === upper && !(lowerInclusive && upperInclusive)) throw bad(`range cannot have identical boundaries: ${spec}`);
  if (lower && upper && compareMavenVersions(upper, lower) < 0) throw bad(`range defies version ordering: ${spec}`);
  return { lower: lower || undefined, lowerInclusive, upper: upper || undefined, upperInclusive };
}

/** A parsed Maven range; reuse it when testing many versions. */
export interface MavenRange {
  readonly raw: string;
  /** The soft version of a spec without brackets, e.g. '1.0' for `1.0`. */
  readonly recommended?: string;
  test(version: string): boolean;
}

/** @throws BadInputError where Maven throws InvalidVersionSpecificationException. */
export function parseMavenRange(spec: string): MavenRange {
  if (spec.length > 4096) throw new BadInputError('Maven version range longer than 4096 characters');
  const restrictions: Restriction[] = [];
  let process = spec;
  let upperBound: string | undefined;
  let recommended: string | undefined;
  while (process.startsWith('[') || process.startsWith('(')) {
    const i1 = process.indexOf(')');
    const i2 = process.indexOf(']');
    let index = i2;
    if ((i2 < 0 || i1 < i2) && i1 >= 0) index = i1;
    if (index < 0) throw new BadInputError(`invalid Maven version range ${JSON.stringify(spec)}: unbounded range`);
    const r = parseRestriction(process.slice(0, index + 1), spec);
    // Maven only checks against a previous restriction that had an upper bound.
    if (upperBound !== undefined && (r.lower === undefined || compareMavenVersions(r.lower, upperBound) < 0)) {
      throw new BadInputError(`invalid Maven version range ${JSON.stringify(spec)}: ranges overlap`);
    }
    restrictions.push(r);
    upperBound = r.upper;
    process = process.slice(index + 1).trim();
    if (process.startsWith(',')) process = process.slice(1).trim();
  }
  if (process.length > 0) {
    if (restrictions.length > 0) {
      throw new BadInputError(`invalid Maven version range ${JSON.stringify(spec)}: only fully-qualified sets allowed in multiple set scenario`);
    }
    recommended = process;
    restrictions.push({ lowerInclusive: false, upperInclusive: false });
  }
  return {
    raw: spec,
    recommended,
    test(version) {
      return restrictions.some((r) => {
        if (r.lower !== undefined) {
          const c = compareMavenVersions(r.lower, version);
          if (c > 0 || (c === 0 && !r.lowerInclusive)) return false;
        }
        if (r.upper !== undefined) {
          const c = compareMavenVersions(r.upper, version);
          if (c < 0 || (c === 0 && !r.upperInclusive)) return false;
        }
        return true;
      });
    },
  };
}

/** VersionRange.createFromVersionSpec(range).containsVersion(version). */
export function satisfies(version: string, range: string): boolean {
  return parseMavenRange(range).test(version);
}

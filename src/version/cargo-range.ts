/**
 * Cargo version requirements (`^1.2`, `~1.2.3`, `>=1.0, <2`, `1.*`), parsed and
 * matched as the `semver` crate's VersionReq does: comma-separated comparators
 * that must all match, a bare version meaning `^`, and a pre-release version
 * only matching when some comparator names a pre-release of the same
 * major.minor.patch.
 */
import { BadInputError } from '../domain/errors.js';
import { compareDigits } from './compare-digits.js';
import { parseSemVer, type SemVer } from './semver.js';
import { comparePrereleaseIdentifiers } from './semver-like.js';
import type { Ordering } from './scheme.js';

type Op = '=' | '>' | '>=' | '<' | '<=' | '~' | '^' | '*';

interface Comparator {
  readonly op: Op;
  readonly major: string;
  readonly minor?: string;
  readonly patch?: string;
  readonly pre: readonly string[];
}

const NUM = '(0|[1-9]\\d*)';
const WILD = '(?:\\*|x|X)';
const PRE_ID = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const COMPARATOR = new RegExp(
  `^(=|>=|>|<=|<|~|\\^)?\\s*(?:${NUM}|(${WILD}))(?:\\.(?:${NUM}|(${WILD}))(?:\\.(?:${NUM}|(${WILD}))(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?)?)?$`,
);

function parseComparator(text: string, whole: string): Comparator {
  const bad = (why: string): BadInputError => new BadInputError(`invalid Cargo version requirement ${JSON.stringify(whole)}: ${why}`);
  const m = COMPARATOR.exec(text.trim());
  if (!m) throw bad(`cannot parse ${JSON.stringify(text.trim())}`);
  const [, opText, major, wMajor, minor, wMinor, patch, wPatch, pre] = m;
  const preIds = pre ? pre.split('.') : [];
  if (wMajor !== undefined) {
    if (opText || minor !== undefined || wMinor !== undefined) throw bad('a wildcard major version stands alone');
    return { op: '*', major: '', pre: [] };
  }
  if (wMinor !== undefined || wPatch !== undefined) {
    if (opText && opText !== '=') throw bad('wildcards only combine with "="');
    if (wMinor !== undefined && patch !== undefined) throw bad('a number may not follow a wildcard');
    return { op: '*', major: major!, minor: wMinor !== undefined ? undefined : minor, pre: [] };
  }
  if (preIds.length > 0 && (minor === undefined || patch === undefined)) throw bad('a pre-release needs a full version');
  return { op: (opText ?? '^') as Op, major: major!, minor, patch, pre: preIds };
}

function comparePre(a: readonly string[], b: readonly string[]): Ordering {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  return comparePrereleaseIdentifiers(a, b);
}

function exact(c: Comparator, v: SemVer): boolean {
  return (
    v.major === c.major &&
    (c.minor === undefined || compareDigits(v.minor, c.minor) === 0) &&
    (c.patch === undefined || compareDigits(v.patch, c.patch) === 0) &&
    comparePre(v.prerelease, c.pre) === 0
  );
}

/** matches_greater (sign 1) and matches_less (sign -1) from the semver crate. */
function beyond(c: Comparator, v: SemVer, sign: 1 | -1): boolean {
  let r = compareDigits(v.major, c.major);
  if (r !== 0) return r === sign;
  if (c.minor === undefined) return false;
  r = compareDigits(v.minor, c.minor);
  if (r !== 0) return r === sign;
  if (c.patch === undefined) return false;
  r = compareDigits(v.patch, c.patch);
  if (r !== 0) return r === sign;
  return comparePre(v.prerelease, c.pre) === sign;
}

function matches(c: Comparator, v: SemVer): boolean {
  switch (c.op) {
    case '=':
      return exact(c, v);
    case '>':
      return beyond(c, v, 1);
    case '>=':
      return exact(c, v) || beyond(c, v, 1);
    case '<':
      return beyond(c, v, -1);
    case '<=':
      return exact(c, v) || beyond(c, v, -1);
    case '*':
      return c.major === '' || (v.major === c.major && (c.minor === undefined || compareDigits(v.minor, c.minor) === 0));
    case '~': {
      if (v.major !== c.major) return false;
      if (c.minor !== undefined && compareDigits(v.minor, c.minor) !== 0) return false;
      if (c.patch !== undefined && compareDigits(v.patch, c.patch) !== 0) return compareDigits(v.patch, c.patch) > 0;
      return comparePre(v.prerelease, c.pre) >= 0;
    }
    case '^': {
      if (v.major !== c.major) return false;
      if (c.minor === undefined) return true;
      const minor = compareDigits(v.minor, c.minor);
      if (c.patch === undefined) return c.major !== '0' ? minor >= 0 : minor === 0;
      const patch = compareDigits(v.patch, c.patch);
      if (c.major !== '0') {
        if (minor !== 0) return minor > 0;
        if (patch !== 0) return patch > 0;
      } else if (c.minor !== '0') {
        if (minor !== 0) return false;
        if (patch !== 0) return patch > 0;
      } else if (minor !== 0 || patch !== 0) {
        return false;
      }
      return comparePre(v.prerelease, c.pre) >= 0;
    }
  }
}

/** A parsed Cargo requirement; reuse it when testing many versions. */
export interface CargoRequirement {
  readonly raw: string;
  test(version: string): boolean;
}

/** @throws BadInputError where VersionReq::parse fails. */
export function parseCargoRequirement(req: string): CargoRequirement {
  if (req.length > 4096) throw new BadInputError('Cargo version requirement longer than 4096 characters');
  if (req.trim() === '') throw new BadInputError('empty Cargo version requirement');
  const comparators = req.split(',').map((part) => parseComparator(part, req));
  return {
    raw: req,
    test(version) {
      const v = parseSemVer(version);
      if (!v || !comparators.every((c) => matches(c, v))) return false;
      if (v.prerelease.length === 0) return true;
      return comparators.some(
        (c) => c.pre.length > 0 && c.major === v.major && c.minor !== undefined && compareDigits(c.minor, v.minor) === 0 && c.patch !== undefined && compareDigits(c.patch, v.patch) === 0,
      );
    },
  };
}

/** VersionReq::parse(req).matches(Version::parse(version)); false for an invalid version. */
export function satisfies(version: string, req: string): boolean {
  return parseCargoRequirement(req).test(version);
}

/**
 * Composer (Packagist) versions: normalized as composer/semver's
 * VersionParser::normalize() does (`v1.2` → `1.2.0.0`, `1.0RC1` → `1.0.0.0-RC1`,
 * `1.x-dev` → `1.9999999.9999999.9999999-dev`, `dev-main` stays a branch,
 * `dev-master`/`dev-trunk`/`dev-default` → `9999999-dev`), then ordered with
 * PHP's version_compare() as Composer's sorting does. Branches sort below every
 * numbered version and, among themselves, by name.
 */
import { InvalidVersionError } from './invalid-version-error.js';
import { compareOsvPackagist } from './osv-packagist-compare.js';
import { phpVersionCompare } from './php-version-compare.js';
import type { Ordering, VersionScheme } from './scheme.js';

// Composer writes ((?:[.-]?\d+)*+) with a possessive quantifier; one digit per repetition
// matches the same strings without the exponential backtracking JavaScript would otherwise do.
const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d)*)?)?([.-]?dev)?';
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, 'i');
const DATE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3})?)${MODIFIER}$`, 'i');
const BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

function expandStability(s: string): string {
  const l = s.toLowerCase();
  return l === 'a' ? 'alpha' : l === 'b' ? 'beta' : l === 'p' || l === 'pl' ? 'patch' : l === 'rc' ? 'RC' : l;
}

/** PHP's trim() set: space, \t, \n, \r, NUL and vertical tab. */
const PHP_SPACE = new Set([' ', '\t', '\n', '\r', '\0', '\v']);
function phpTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && PHP_SPACE.has(s[start]!)) start++;
  while (end > start && PHP_SPACE.has(s[end - 1]!)) end--;
  return s.slice(start, end);
}

function normalizeBranch(name: string): string {
  const n = phpTrim(name);
  const m = BRANCH.exec(n);
  if (!m) return `dev-${n}`;
  let version = '';
  for (let i = 1; i < 5; i++) version += m[i] !== undefined ? m[i]!.replace(/[*X]/g, 'x') : '.x';
  return `${version.replace(/x/g, '9999999')}-dev`;
}

/** VersionParser::normalize(); undefined where it throws UnexpectedValueException. */
export function normalizeComposerVersion(input: string): string | undefined {
  if (input.length > 1024) return undefined;
  let version = phpTrim(input);
  const alias = /^([^,\s]+) +as +([^,\s]+)$/.exec(version);
  if (alias) version = alias[1]!;
  const flag = /@(?:stable|RC|beta|alpha|dev)$/i.exec(version);
  if (flag) version = version.slice(0, version.length - flag[0].length);
  if (version === 'master' || version === 'trunk' || version === 'default') version = `dev-${version}`;
  if (version.toLowerCase().startsWith('dev-')) return `dev-${version.slice(4)}`;
  const build = /^([^,\s+]+)\+\S+$/.exec(version);
  if (build) version = build[1]!;

  let m = CLASSICAL.exec(version);
  let index = 5;
  if (m) {
    version = m[1]! + (m[2] || '.0') + (m[3] || '.0') + (m[4] || '.0');
  } else {
    m = DATE.exec(version);
    index = 2;
    if (m) version = m[1]!.replace(/\D/g, '.');
  }
  if (m) {
    const stability = m[index];
    if (stability) {
      if (stability === 'stable') return version;
      version += `-${expandStability(stability)}${m[index + 1] ? m[index + 1]!.replace(/^[.-]+/, '') : ''}`;
    }
    if (m[index + 2]) version += '-dev';
    return version;
  }
  const dev = /^(.*?)[.-]?dev$/i.exec(version);
  if (dev) {
    const normalized = normalizeBranch(dev[1]!);
    if (!normalized.includes('dev-')) return normalized;
  }
  return undefined;
}

/** VersionParser::normalizeDefaultBranch(). */
function defaultBranch(v: string): string {
  return v === 'dev-master' || v === 'dev-default' || v === 'dev-trunk' ? '9999999-dev' : v;
}

/** Orders two normalized versions. */
export function compareNormalizedComposer(a: string, b: string): Ordering {
  const x = defaultBranch(a);
  const y = defaultBranch(b);
  if (x === y) return 0;
  // version_compare() cannot tell branches apart; order them by name so the order stays total.
  if (x.startsWith('dev-') && y.startsWith('dev-')) return x < y ? -1 : 1;
  return phpVersionCompare(x, y);
}

function strict(v: string): string {
  const n = normalizeComposerVersion(v);
  if (n === undefined) throw new InvalidVersionError('composer', v, 'Composer cannot normalize it');
  return n;
}

export const composer: VersionScheme = {
  name: 'composer',
  valid: (v) => normalizeComposerVersion(v) !== undefined,
  compare: (a, b) => compareNormalizedComposer(strict(a), strict(b)),
  compareLoose: (a, b) => {
    const x = normalizeComposerVersion(a);
    const y = normalizeComposerVersion(b);
    if (x !== undefined && y !== undefined) return compareNormalizedComposer(x, y);
    // What Composer cannot normalize is ordered the way OSV orders raw Packagist versions.
    return compareOsvPackagist(x ?? a, y ?? b);
  },
};

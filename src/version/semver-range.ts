/**
 * node-semver range matching (npm's `satisfies`, non-loose, includePrerelease
 * off): `||` alternatives of space-separated comparators, desugared the way
 * node-semver 7 desugars hyphen ranges, `~`, `^`, x-ranges and `*`. A version
 * with a pre-release tag only matches a comparator set that names a
 * pre-release of the same major.minor.patch.
 */
import { compareSemVer, parseNpmVersion, type SemVer } from './semver.js';
import { BadInputError } from '../domain/errors.js';

const NUM = '0|[1-9]\\d*';
const PRE_ID = `(?:${NUM}|\\d*[a-zA-Z-][a-zA-Z0-9-]*)`;
const PRERELEASE = `(?:-(${PRE_ID}(?:\\.${PRE_ID})*))`;
const BUILD = '(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))';
const MAIN = `(${NUM})\\.(${NUM})\\.(${NUM})`;
const FULLPLAIN = `v?${MAIN}${PRERELEASE}?${BUILD}?`;
const LOOSEPLAIN = `[v=\\s]*(\\d+)\\.(\\d+)\\.(\\d+)(?:-?((?:\\d+|\\d*[a-zA-Z-][a-zA-Z0-9-]*)(?:\\.(?:\\d+|\\d*[a-zA-Z-][a-zA-Z0-9-]*))*))?${BUILD}?`;
const XR = `${NUM}|x|X|\\*`;
const XRANGEPLAIN = `[v=\\s]*(${XR})(?:\\.(${XR})(?:\\.(${XR})(?:${PRERELEASE})?${BUILD}?)?)?`;
const GTLT = '((?:<|>)?=?)';

const RE = {
  hyphen: new RegExp(`^\\s*(${XRANGEPLAIN})\\s+-\\s+(${XRANGEPLAIN})\\s*$`),
  comparatorTrim: new RegExp(`(\\s*)${GTLT}\\s*(${LOOSEPLAIN}|${XRANGEPLAIN})`, 'g'),
  tildeTrim: /(\s*)(?:~>?)\s+/g,
  caretTrim: /(\s*)(?:\^)\s+/g,
  tilde: new RegExp(`^(?:~>?)${XRANGEPLAIN}$`),
  caret: new RegExp(`^(?:\\^)${XRANGEPLAIN}$`),
  xrange: new RegExp(`^${GTLT}\\s*${XRANGEPLAIN}$`),
  star: /(<|>)?=?\s*\*/,
  gte0: /^\s*>=\s*0\.0\.0\s*$/,
  comparator: new RegExp(`^${GTLT}\\s*(${FULLPLAIN})$|^$`),
};

const isX = (id: string | undefined): boolean => !id || id.toLowerCase() === 'x' || id === '*';
const inc = (n: string): number => Number(n) + 1;

function replaceTilde(comp: string): string {
  return comp.replace(RE.tilde, (_all, M: string, m: string | undefined, p: string | undefined, pr: string | undefined) => {
    if (isX(M)) return '';
    if (isX(m)) return `>=${M}.0.0 <${inc(M)}.0.0-0`;
    if (isX(p)) return `>=${M}.${m}.0 <${M}.${inc(m!)}.0-0`;
    if (pr) return `>=${M}.${m}.${p}-${pr} <${M}.${inc(m!)}.0-0`;
    return `>=${M}.${m}.${p} <${M}.${inc(m!)}.0-0`;
  });
}

function replaceCaret(comp: string): string {
  return comp.replace(RE.caret, (_all, M: string, m: string | undefined, p: string | undefined, pr: string | undefined) => {
    if (isX(M)) return '';
    if (isX(m)) return `>=${M}.0.0 <${inc(M)}.0.0-0`;
    if (isX(p)) return M === '0' ? `>=${M}.${m}.0 <${M}.${inc(m!)}.0-0` : `>=${M}.${m}.0 <${inc(M)}.0.0-0`;
    const from = pr ? `>=${M}.${m}.${p}-${pr}` : `>=${M}.${m}.${p}`;
    if (M === '0') return m === '0' ? `${from} <${M}.${m}.${inc(p!)}-0` : `${from} <${M}.${inc(m!)}.0-0`;
    return `${from} <${inc(M)}.0.0-0`;
  });
}

function replaceXRange(comp: string): string {
  return comp.replace(RE.xrange, (all, gtltIn: string, Min: string, min: string | undefined, pin: string | undefined) => {
    let gtlt = gtltIn;
    let M: string | number = Min;
    let m: string | number | undefined = min;
    let p: string | number | undefined = pin;
    const xM = isX(Min);
    const xm = xM || isX(min);
    const xp = xm || isX(pin);
    if (gtlt === '=' && xp) gtlt = '';
    let pr = '';
    if (xM) return gtlt === '>' || gtlt === '<' ? '<0.0.0-0' : '*';
    if (gtlt && xp) {
      if (xm) m = 0;
      p = 0;
      if (gtlt === '>') {
        gtlt = '>=';
        if (xm) {
          M = Number(M) + 1;
          m = 0;
        } else {
          m = Number(m) + 1;
        }
      } else if (gtlt === '<=') {
        gtlt = '<';
        if (xm) M = Number(M) + 1;
        else m = Number(m) + 1;
      }
      if (gtlt === '<') pr = '-0';
      return `${gtlt}${M}.${m}.${p}${pr}`;
    }
    if (xm) return `>=${M}.0.0 <${inc(Min)}.0.0-0`;
    if (xp) return `>=${M}.${m}.0 <${M}.${inc(min!)}.0-0`;
    return all;
  });
}

function hyphenReplace(range: string): string {
  const h = RE.hyphen.exec(range);
  if (!h) return range;
  let from = h[1]!;
  const [fM, fm, fp, fpr] = [h[2], h[3], h[4], h[5]];
  let to = h[7]!;
  const [tM, tm, tp, tpr] = [h[8], h[9], h[10], h[11]];
  if (isX(fM)) from = '';
  else if (isX(fm)) from = `>=${fM}.0.0`;
  else if (isX(fp)) from = `>=${fM}.${fm}.0`;
  else from = `>=${from}`;
  if (isX(tM)) to = '';
  else if (isX(tm)) to = `<${inc(tM!)}.0.0-0`;
  else if (isX(tp)) to = `<${tM}.${inc(tm!)}.0-0`;
  else if (tpr) to = `<=${tM}.${tm}.${tp}-${tpr}`;
  else to = `<=${to}`;
  void fpr;
  return `${from} ${to}`.trim();
}

type Op = '' | '=' | '<' | '<=' | '>' | '>=';
interface Comparator {
  readonly op: Op;
  /** undefined is the "any version" comparator. */
  readonly version: SemVer | undefined;
}

function parseComparator(comp: string, range: string): Comparator {
  const m = RE.comparator.exec(comp);
  if (!m) throw new BadInputError(`invalid npm version range ${JSON.stringify(range)}: bad comparator ${JSON.stringify(comp)}`);
  if (!m[2]) return { op: '', version: undefined };
  const version = parseNpmVersion(m[2]);
  if (!version) throw new BadInputError(`invalid npm version range ${JSON.stringify(range)}: bad version ${JSON.stringify(m[2])}`);
  return { op: (m[1] ?? '') as Op, version };
}

function parseSet(raw: string, range: string): Comparator[] {
  let r = raw.trim().split(/\s+/).join(' ');
  r = hyphenReplace(r);
  r = r.replace(RE.comparatorTrim, (_all, ws: string, gtlt: string, rest: string) => `${ws}${gtlt}${rest}`);
  r = r.replace(RE.tildeTrim, '$1~');
  r = r.replace(RE.caretTrim, '$1^');
  const comps = r
    .split(' ')
    .map((c) => {
      let x = c.split(/\s+/).map(replaceCaret).join(' ');
      x = x.split(/\s+/).map(replaceTilde).join(' ');
      x = x.split(/\s+/).map(replaceXRange).join(' ');
      return x.trim().replace(RE.star, '');
    })
    .join(' ')
    .split(/\s+/)
    .map((c) => (RE.gte0.test(c) ? '' : c));
  let parsed = comps.map((c) => parseComparator(c, range));
  if (parsed.length > 1) parsed = parsed.filter((c) => c.version !== undefined);
  if (parsed.length === 0) parsed = [{ op: '', version: undefined }];
  return parsed;
}

function testComparator(c: Comparator, v: SemVer): boolean {
  if (!c.version) return true;
  const r = compareSemVer(v, c.version);
  switch (c.op) {
    case '':
    case '=':
      return r === 0;
    case '<':
      return r < 0;
    case '<=':
      return r <= 0;
    case '>':
      return r > 0;
    case '>=':
      return r >= 0;
  }
}

function testSet(set: readonly Comparator[], v: SemVer): boolean {
  if (!set.every((c) => testComparator(c, v))) return false;
  if (v.prerelease.length === 0) return true;
  // A pre-release only satisfies a set that opts into pre-releases of the same release.
  return set.some(
    (c) => c.version !== undefined && c.version.prerelease.length > 0 && c.version.major === v.major && c.version.minor === v.minor && c.version.patch === v.patch,
  );
}

/** A parsed npm range; reuse it when testing many versions. */
export interface SemverRange {
  readonly raw: string;
  test(version: string): boolean;
}

/** @throws BadInputError when node-semver would reject the range. */
export function parseSemverRange(range: string): SemverRange {
  if (range.length > 4096) throw new BadInputError('npm version range longer than 4096 characters');
  const sets = range.split('||').map((part) => parseSet(part, range));
  return {
    raw: range,
    test(version) {
      const v = parseNpmVersion(version);
      return v !== undefined && sets.some((set) => testSet(set, v));
    },
  };
}

/** node-semver's `satisfies(version, range)`: false for an invalid version, throws for an invalid range. */
export function satisfies(version: string, range: string): boolean {
  return parseSemverRange(range).test(version);
}

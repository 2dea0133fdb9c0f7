/**
 * PEP 440 version specifiers (`~=`, `==`, `!=`, `<=`, `>=`, `<`, `>`, `===`,
 * `==1.2.*`), evaluated as `packaging.specifiers.SpecifierSet.contains` does,
 * in packaging 26: `contains` filters a one-element list, and PEP 440's "accept
 * pre-releases when nothing else matches" then lets a matching pre-release
 * through (`1.4.5a4` is in `~=1.4.2`). `<V` and `>V` still exclude V's own
 * pre- and post-releases.
 */
import { BadInputError } from '../domain/errors.js';
import { comparePep440, formatPep440, isPep440Prerelease, parsePep440, type Pep440Version } from './pep440.js';

type Operator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

interface Specifier {
  readonly op: Operator;
  /** The version text after the operator, trimmed; for prefix matches it ends in `.*`. */
  readonly text: string;
  /** Parsed version (without `.*`); undefined for `===`. */
  readonly version?: Pep440Version;
  readonly wildcard: boolean;
}

const SPEC = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*(\S*?)\s*$/;

function parseSpecifier(raw: string, whole: string): Specifier {
  const bad = (why: string): BadInputError => new BadInputError(`invalid PEP 440 specifier ${JSON.stringify(raw.trim())} in ${JSON.stringify(whole)}: ${why}`);
  const m = SPEC.exec(raw);
  if (!m || m[2] === '') throw bad('expected an operator followed by a version');
  const op = m[1] as Operator;
  const text = m[2]!;
  if (op === '===') {
    if (/[;)]/.test(text)) throw bad('arbitrary equality cannot contain ";" or ")"');
    return { op, text, wildcard: false };
  }
  const wildcard = text.endsWith('.*');
  const body = wildcard ? text.slice(0, -2) : text;
  const version = parsePep440(body);
  if (!version) throw bad('not a PEP 440 version');
  if (wildcard) {
    if (op !== '==' && op !== '!=') throw bad('".*" is only allowed with == and !=');
    if (version.pre || version.post !== undefined || version.dev !== undefined || version.local) throw bad('".*" follows a release number only');
  }
  if (version.local && op !== '==' && op !== '!=') throw bad('a local version label is only allowed with == and !=');
  if (op === '~=' && version.release.length < 2) throw bad('"~=" needs at least two release numbers');
  return { op, text, version, wildcard };
}

/** packaging's _version_split(): epoch, then release parts with a trailing pre-release split off. */
function versionSplit(v: string): string[] {
  const bang = v.indexOf('!');
  const result = [bang >= 0 ? v.slice(0, bang) : '0'];
  for (const item of (bang >= 0 ? v.slice(bang + 1) : v).split('.')) {
    const m = /^(\d+)((?:a|b|c|rc)\d+)$/.exec(item);
    if (m) result.push(m[1]!, m[2]!);
    else result.push(item);
  }
  return result;
}

function publicOf(v: Pep440Version): Pep440Version {
  return v.local ? { ...v, local: undefined } : v;
}

function baseEqual(a: Pep440Version, b: Pep440Version): boolean {
  return comparePep440({ epoch: a.epoch, release: a.release }, { epoch: b.epoch, release: b.release }) === 0;
}

/** The prefix match behind `==1.2.*`: pad the candidate's release with zeros and compare the leading parts. */
function prefixMatch(candidate: Pep440Version, prefix: Pep440Version): boolean {
  const spec = versionSplit(formatPep440(prefix));
  const cand = versionSplit(formatPep440(publicOf(candidate)));
  const isRel = (s: string): boolean => /^\d+$/.test(s);
  // _pad_version: pad the release parts (after the epoch) of the shorter one with "0".
  const relLen = (parts: string[]): number => {
    let n = 1;
    while (n < parts.length && isRel(parts[n]!)) n++;
    return n;
  };
  const cr = relLen(cand);
  const sr = relLen(spec);
  const padded = [...cand.slice(0, cr), ...Array<string>(Math.max(0, sr - cr)).fill('0'), ...cand.slice(cr)];
  return spec.every((part, i) => padded[i] === part);
}

function matches(spec: Specifier, v: Pep440Version, raw: string): boolean {
  const s = spec.version;
  switch (spec.op) {
    case '===':
      return raw.trim().toLowerCase() === spec.text.toLowerCase();
    case '==':
    case '!=': {
      const eq = spec.wildcard ? prefixMatch(v, s!) : comparePep440(s!.local ? v : publicOf(v), s!) === 0;
      return spec.op === '==' ? eq : !eq;
    }
    case '~=': {
      const canonical = formatPep440(s!);
      const parts = versionSplit(canonical).filter((_, i) => i > 0);
      const kept: string[] = [];
      for (const p of parts) {
        if (p.startsWith('post') || p.startsWith('dev')) break;
        kept.push(p);
      }
      const epoch = versionSplit(canonical)[0]!;
      const prefixText = `${epoch !== '0' ? `${epoch}!` : ''}${kept.slice(0, -1).join('.')}`;
      const prefix = parsePep440(prefixText);
      return comparePep440(publicOf(v), s!) >= 0 && prefix !== undefined && prefixMatch(v, prefix);
    }
    case '<=':
      return comparePep440(publicOf(v), s!) <= 0;
    case '>=':
      return comparePep440(publicOf(v), s!) >= 0;
    case '<':
      if (comparePep440(v, s!) >= 0) return false;
      // "<3.1" excludes 3.1's own pre-releases unless the bound is itself a pre-release.
      return isPep440Prerelease(s!) || !isPep440Prerelease(v) || !baseEqual(v, s!);
    case '>':
      if (comparePep440(v, s!) <= 0) return false;
      // ">3.1" excludes 3.1's post-releases (unless the bound is one) and 3.1+local.
      if (s!.post === undefined && v.post !== undefined && baseEqual(v, s!)) return false;
      return !(v.local && baseEqual(v, s!));
  }
}

/** A parsed specifier set; reuse it when testing many versions. */
export interface Pep440SpecifierSet {
  readonly raw: string;
  test(version: string): boolean;
}

/** @throws BadInputError on a malformed specifier set. */
export function parsePep440SpecifierSet(set: string): Pep440SpecifierSet {
  if (set.length > 4096) throw new BadInputError('PEP 440 specifier set longer than 4096 characters');
  const specs = set
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((s) => parseSpecifier(s, set));
  return {
    raw: set,
    test(version) {
      const v = parsePep440(version);
      // Only arbitrary equality can match a string that is not a PEP 440 version.
      if (!v) return specs.length > 0 && specs.every((s) => s.op === '===' && matches(s, { epoch: '0', release: [] }, version));
      return specs.every((s) => matches(s, v, version));
    },
  };
}

/** `SpecifierSet(set).contains(version)`: false for a version that is not PEP 440. */
export function satisfies(version: string, set: string): boolean {
  return parsePep440SpecifierSet(set).test(version);
}

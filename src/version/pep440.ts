/**
 * Python package versions per PEP 440 (as `packaging.version.Version` reads
 * them: case-insensitive, with the permitted spellings normalised: `v` prefix,
 * `alpha`/`c`/`pre`/`preview`, `rev`/`r`, `-N` post-releases, separators).
 * Strings outside PEP 440 ("legacy" versions such as `0.1-bulbasaur`) are
 * rejected by `valid`/`compare`; `compareLoose` orders them as setuptools'
 * LegacyVersion did, below every PEP 440 version, which is what OSV tooling does.
 * Specifier matching (`~=1.4.2, !=1.4.5, <2`) lives in pep440-specifier.ts.
 */
import { compareDigits } from './compare-digits.js';
import { InvalidVersionError } from './invalid-version-error.js';
import type { Ordering, VersionScheme } from './scheme.js';


export interface Pep440Version {
  readonly epoch: string;
  /** Release numbers with leading zeros removed. */
  readonly release: readonly string[];
  readonly pre?: { readonly label: 'a' | 'b' | 'rc'; readonly n: string };
  readonly post?: string;
  readonly dev?: string;
  /** Local segments, lower-cased, split on `.`, `-` or `_`. */
  readonly local?: readonly string[];
}

const PATTERN = new RegExp(
  '^\\s*v?(?:(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)' +
    '([-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\\d+)?)?' +
    '((?:-(\\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\\d+)?))?' +
    '([-_.]?(dev)[-_.]?(\\d+)?)?)' +
    '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$',
);

const strip0 = (d: string): string => d.replace(/^0+(?=\d)/, '');
const PRE_LABEL: Readonly<Record<string, 'a' | 'b' | 'rc'>> = { a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };

/** Parses a PEP 440 version; undefined when `packaging` would raise InvalidVersion. */
export function parsePep440(input: string): Pep440Version | undefined {
  if (input.length > 1024) return undefined;
  const m = PATTERN.exec(input.toLowerCase());
  if (!m) return undefined;
  const v: {
    epoch: string;
    release: string[];
    pre?: { label: 'a' | 'b' | 'rc'; n: string };
    post?: string;
    dev?: string;
    local?: string[];
  } = { epoch: strip0(m[1] ?? '0'), release: m[2]!.split('.').map(strip0) };
  if (m[4]) v.pre = { label: PRE_LABEL[m[4]]!, n: strip0(m[5] ?? '0') };
  if (m[6]) v.post = strip0(m[7] ?? m[9] ?? '0');
  if (m[11]) v.dev = strip0(m[12] ?? '0');
  if (m[13]) v.local = m[13].split(/[-_.]/);
  return v;
}

/** The canonical string form, as `str(Version(v))` prints it. */
export function formatPep440(v: Pep440Version): string {
  let s = v.epoch !== '0' ? `${v.epoch}!` : '';
  s += v.release.join('.');
  if (v.pre) s += `${v.pre.label}${v.pre.n}`;
  if (v.post !== undefined) s += `.post${v.post}`;
  if (v.dev !== undefined) s += `.dev${v.dev}`;
  if (v.local) s += `+${v.local.join('.')}`;
  return s;
}

export const isPep440Prerelease = (v: Pep440Version): boolean => v.pre !== undefined || v.dev !== undefined;

function compareRelease(a: readonly string[], b: readonly string[]): Ordering {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (r !== 0) return r;
  }
  return 0;
}

const LABEL_RANK = { a: 0, b: 1, rc: 2 } as const;

/** -1 for "before any pre-release", 1 for "after every pre-release", else compares (label, n). */
function comparePre(a: Pep440Version, b: Pep440Version): Ordering {
  // A dev release of the final version (1.0.dev0) sorts before its pre-releases (1.0a0).
  const rank = (v: Pep440Version): number => (v.pre ? 0 : v.post === undefined && v.dev !== undefined ? -1 : 1);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (ra !== 0) return 0;
  const la = LABEL_RANK[a.pre!.label];
  const lb = LABEL_RANK[b.pre!.label];
  if (la !== lb) return la < lb ? -1 : 1;
  return compareDigits(a.pre!.n, b.pre!.n);
}

function compareOptional(a: string | undefined, b: string | undefined, missing: -1 | 1): Ordering {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? missing : (-missing as Ordering);
  return compareDigits(a, b);
}

function compareLocal(a: readonly string[] | undefined, b: readonly string[] | undefined): Ordering {
  if (!a || !b) return a === b ? 0 : a ? 1 : -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    let r: Ordering;
    if (xn && yn) r = compareDigits(x, y);
    else if (xn !== yn) r = xn ? 1 : -1;
    else r = x === y ? 0 : x < y ? -1 : 1;
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** PEP 440 ordering of two parsed versions. */
export function comparePep440(a: Pep440Version, b: Pep440Version): Ordering {
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    comparePre(a, b) ||
    compareOptional(a.post, b.post, -1) ||
    compareOptional(a.dev, b.dev, 1) ||
    compareLocal(a.local, b.local)
  );
}

/** setuptools' LegacyVersion key (packaging < 22): runs of digits, letters, '.' and '-'. */
function legacyKey(v: string): string[] {
  const parts: string[] = [];
  const tokens = [...v.toLowerCase().matchAll(/\d+|[a-z]+|\.|-/g)].map((t) => t[0]);
  tokens.push('final');
  const replacements: Readonly<Record<string, string>> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };
  for (const token of tokens) {
    if (token === '.') continue;
    const part = replacements[token] ?? token;
    const norm = /^\d/.test(part) ? part.padStart(8, '0') : `*${part}`;
    if (norm.startsWith('*')) {
      if (norm < '*final') while (parts.at(-1) === '*final-') parts.pop();
      while (parts.at(-1) === '00000000') parts.pop();
    }
    parts.push(norm);
  }
  return parts;
}

function compareLegacy(a: string, b: string): Ordering {
  const x = legacyKey(a).join('');
  const y = legacyKey(b).join('');
  return x === y ? 0 : x < y ? -1 : 1;
}

function strict(v: string): Pep440Version {
  const p = parsePep440(v);
  if (!p) throw new InvalidVersionError('pep440', v, 'not a PEP 440 version');
  return p;
}

export const pep440: VersionScheme = {
  name: 'pep440',
  valid: (v) => parsePep440(v) !== undefined,
  compare: (a, b) => comparePep440(strict(a), strict(b)),
  compareLoose: (a, b) => {
    const x = parsePep440(a);
    const y = parsePep440(b);
    if (x && y) return comparePep440(x, y);
    if (x || y) return x ? 1 : -1;
    return compareLegacy(a, b);
  },
};

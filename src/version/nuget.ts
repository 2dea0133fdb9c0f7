/**
 * NuGet versions as NuGetVersion.TryParse reads them: 1 to 4 numeric parts
 * (leading zeros allowed, missing parts are 0), SemVer 2 pre-release labels and
 * build metadata. Ordering is NuGet's VersionComparer.Default: numeric parts,
 * then labels (numeric labels compared as integers, others case-insensitively),
 * metadata ignored.
 */
import { compareDigits } from './compare-digits.js';
import { InvalidVersionError } from './invalid-version-error.js';
import type { Ordering, VersionScheme } from './scheme.js';

export interface NuGetVersion {
  /** Major, minor, patch, revision. */
  readonly parts: readonly [string, string, string, string];
  readonly labels: readonly string[];
  readonly metadata: string;
}

const INT32_MAX = '2147483647';
const LABEL = /^[0-9A-Za-z-]+$/;

/** NuGetVersion.TryParse(); undefined where it returns false. */
export function parseNuGetVersion(input: string): NuGetVersion | undefined {
  const v = input.trim();
  if (v.length === 0 || v.length > 1024) return undefined;
  // ParseSections: the version runs to the first '-' or '+', labels to the next '+'.
  const cut = v.search(/[-+]/);
  const core = cut < 0 ? v : v.slice(0, cut);
  let labelText: string | undefined;
  let metadata: string | undefined;
  if (cut >= 0) {
    if (v[cut] === '+') metadata = v.slice(cut + 1);
    else {
      const plus = v.indexOf('+', cut + 1);
      labelText = plus < 0 ? v.slice(cut + 1) : v.slice(cut + 1, plus);
      if (plus >= 0) metadata = v.slice(plus + 1);
    }
  }
  const nums = core.split('.');
  if (nums.length > 4) return undefined;
  for (const n of nums) if (!/^\d+$/.test(n) || compareDigits(n, INT32_MAX) > 0) return undefined;
  const labels = labelText === undefined ? [] : labelText.split('.');
  for (const l of labels) if (!LABEL.test(l) || /^0\d+$/.test(l)) return undefined;
  if (metadata !== undefined && !metadata.split('.').every((m) => LABEL.test(m))) return undefined;
  const p = (i: number): string => (nums[i] ?? '0').replace(/^0+(?=\d)/, '');
  return { parts: [p(0), p(1), p(2), p(3)], labels, metadata: metadata ?? '' };
}

function compareLabel(a: string, b: string): Ordering {
  // Int32.TryParse decides what is numeric: digits within int32 range.
  const an = /^\d+$/.test(a) && compareDigits(a, INT32_MAX) <= 0;
  const bn = /^\d+$/.test(b) && compareDigits(b, INT32_MAX) <= 0;
  if (an && bn) return compareDigits(a, b);
  if (an || bn) return an ? -1 : 1;
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x === y ? 0 : x < y ? -1 : 1;
}

export function compareNuGet(a: NuGetVersion, b: NuGetVersion): Ordering {
  for (let i = 0; i < 4; i++) {
    const r = compareDigits(a.parts[i]!, b.parts[i]!);
    if (r !== 0) return r;
  }
  if (a.labels.length === 0 || b.labels.length === 0) return a.labels.length === b.labels.length ? 0 : a.labels.length === 0 ? 1 : -1;
  const n = Math.max(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    if (i >= a.labels.length) return -1;
    if (i >= b.labels.length) return 1;
    const r = compareLabel(a.labels[i]!, b.labels[i]!);
    if (r !== 0) return r;
  }
  return 0;
}

function strict(v: string): NuGetVersion {
  const p = parseNuGetVersion(v);
  if (!p) throw new InvalidVersionError('nuget', v, 'not a NuGet version (1-4 numeric parts, SemVer 2 labels and metadata)');
  return p;
}

/** Best effort for what TryParse refuses: numeric runs as parts, the rest after the first '-' as labels. */
function loose(v: string): NuGetVersion {
  const p = parseNuGetVersion(v);
  if (p) return p;
  const body = v.trim().split('+')[0]!;
  const dash = body.indexOf('-');
  const core = dash < 0 ? body : body.slice(0, dash);
  const nums = core.split('.').map((n) => (/^\d+$/.test(n) ? n.replace(/^0+(?=\d)/, '') : '0'));
  const at = (i: number): string => nums[i] ?? '0';
  return { parts: [at(0), at(1), at(2), at(3)], labels: dash < 0 ? [] : body.slice(dash + 1).split('.'), metadata: '' };
}

export const nuget: VersionScheme = {
  name: 'nuget',
  valid: (v) => parseNuGetVersion(v) !== undefined,
  compare: (a, b) => compareNuGet(strict(a), strict(b)),
  compareLoose: (a, b) => compareNuGet(loose(a), loose(b)),
};

/**
 * Alpine apk versions: `digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}`,
 * tokenised and ordered the way apk-tools 3 src/version.c does.
 *
 * apk orders invalid versions too (it compares token by token until the
 * parse breaks down), so `compareLoose` is apk's own total order and `compare`
 * is the same order restricted to strings apk_version_validate() accepts.
 */
import { compareDigits } from './compare-digits.js';
import { InvalidVersionError } from './invalid-version-error.js';
import type { Ordering, VersionScheme } from './scheme.js';

const enum Token {
  InitialDigit,
  Digit,
  Letter,
  Suffix,
  SuffixNo,
  CommitHash,
  RevisionNo,
  End,
  Invalid,
}

/** Suffix weights; NONE (5) is the pivot between pre- and post-release suffixes. */
const SUFFIXES: Readonly<Record<string, number>> = { alpha: 1, beta: 2, pre: 3, rc: 4, cvs: 6, svn: 7, git: 8, hg: 9, p: 10 };
const SUFFIX_NONE = 5;

interface TokenState {
  token: Token;
  /** The token's text: digits, one letter, a suffix name or a hash. */
  value: string;
  suffix: number;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLower = (c: number): boolean => c >= 97 && c <= 122;
const isHex = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** A cursor over one version string, yielding apk's tokens. */
class Tokenizer {
  pos = 0;
  readonly t: TokenState = { token: Token.InitialDigit, value: '', suffix: 0 };
  constructor(private readonly s: string) {
    this.digits();
  }

  private span(pred: (c: number) => boolean): string {
    const start = this.pos;
    while (this.pos < this.s.length && pred(this.s.charCodeAt(this.pos))) this.pos++;
    return this.s.slice(start, this.pos);
  }

  private digits(): void {
    this.t.value = this.span(isDigit);
    if (this.t.value === '') this.t.token = Token.Invalid;
  }

  next(): void {
    const t = this.t;
    if (this.pos >= this.s.length) {
      t.token = Token.End;
      return;
    }
    const ch = this.s[this.pos]!;
    const c = ch.charCodeAt(0);
    if (isLower(c)) {
      if (t.token > Token.Digit) return this.invalid();
      t.value = ch;
      t.token = Token.Letter;
      this.pos++;
    } else if (ch === '.' || isDigit(c)) {
      if (ch === '.') {
        if (t.token > Token.Digit) return this.invalid();
        this.pos++;
      }
      if (t.token === Token.InitialDigit || t.token === Token.Digit) t.token = Token.Digit;
      else if (t.token === Token.Suffix) t.token = Token.SuffixNo;
      else return this.invalid();
      this.digits();
    } else if (ch === '_') {
      if (t.token > Token.SuffixNo) return this.invalid();
      this.pos++;
      t.value = this.span(isLower);
      const w = SUFFIXES[t.value];
      if (w === undefined) return this.invalid();
      t.suffix = w;
      t.token = Token.Suffix;
    } else if (ch === '~') {
      if (t.token >= Token.CommitHash) return this.invalid();
      this.pos++;
      t.value = this.span(isHex);
      if (t.value === '') return this.invalid();
      t.token = Token.CommitHash;
    } else if (ch === '-') {
      if (t.token >= Token.RevisionNo || this.s[this.pos + 1] !== 'r') return this.invalid();
      this.pos += 2;
      t.token = Token.RevisionNo;
      this.digits();
    } else {
      this.invalid();
    }
  }

  private invalid(): void {
    this.t.token = Token.Invalid;
  }
}

/** apk_blob_sort(): bytewise, then shorter first. */
function blobSort(a: string, b: string): Ordering {
  return a === b ? 0 : a < b ? -1 : 1;
}

function tokenCmp(a: TokenState, b: TokenState): Ordering {
  switch (a.token) {
    case Token.Digit:
      // Gentoo rule: a component with a leading zero compares as a string (1.01 < 1.1).
      if (a.value.startsWith('0') || b.value.startsWith('0')) return blobSort(a.value, b.value);
      return compareDigits(a.value, b.value);
    case Token.InitialDigit:
    case Token.SuffixNo:
    case Token.RevisionNo:
      return compareDigits(a.value, b.value);
    case Token.Letter:
      return blobSort(a.value, b.value);
    case Token.Suffix:
      return a.suffix === b.suffix ? 0 : a.suffix < b.suffix ? -1 : 1;
    default:
      return blobSort(a.value, b.value);
  }
}

/**
 * apk_version_compare_fuzzy(). With `fuzzy`, `b` ending first while every
 * token so far is equal counts as equal: that is apk's `~` operator (3.6.9 ~ 3.6).
 */
export function compareApkVersions(a: string, b: string, fuzzy = false): Ordering {
  const ta = new Tokenizer(a);
  const tb = new Tokenizer(b);
  while (ta.t.token === tb.t.token && ta.t.token < Token.End) {
    const r = tokenCmp(ta.t, tb.t);
    if (r !== 0) return r;
    ta.next();
    tb.next();
  }
  const x = ta.t;
  const y = tb.t;
  if (x.token === y.token) return 0;
  if (y.token === Token.End && fuzzy) return 0;
  // Equal so far: the longer version is newer unless what follows is a pre-release suffix.
  if (x.token === Token.Suffix && x.suffix < SUFFIX_NONE) return -1;
  if (y.token === Token.Suffix && y.suffix < SUFFIX_NONE) return 1;
  if (x.token > y.token) return -1;
  if (y.token > x.token) return 1;
  return 0;
}

/** apk_version_validate(). */
export function isValidApkVersion(v: string): boolean {
  const t = new Tokenizer(v);
  while (t.t.token < Token.End) t.next();
  return t.t.token === Token.End;
}

function check(v: string): void {
  if (!isValidApkVersion(v)) throw new InvalidVersionError('apk', v, 'not of the form digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}');
}

export const apk: VersionScheme = {
  name: 'apk',
  valid: isValidApkVersion,
  compare: (a, b) => {
    check(a);
    check(b);
    return compareApkVersions(a, b);
  },
  compareLoose: (a, b) => compareApkVersions(a, b),
};

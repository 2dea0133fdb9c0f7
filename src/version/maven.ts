/**
 * Maven versions ordered by Maven 3's ComparableVersion: the string is split
 * into numbers and qualifiers on `.`, `-` and digit/letter transitions, nested
 * lists start at `-` and transitions, trailing "null" items (0, "", ga, final,
 * release) are dropped, and qualifiers rank
 * alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp < anything else.
 * Range specs (`[1.0,2.0)`, `(,1.0],[1.2,)`) are in maven-range.ts.
 *
 * ComparableVersion orders every string. `valid` still rejects the empty
 * string, whitespace and the range punctuation `[](),`, none of which can be a
 * resolved artifact version.
 */
import { compareDigits } from './compare-digits.js';
import { InvalidVersionError } from './invalid-version-error.js';
import { sign, type Ordering, type VersionScheme } from './scheme.js';


type Item = { kind: 'int'; value: string } | { kind: 'string'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function stringItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  if (followedByDigit && v.length === 1) v = v === 'a' ? 'alpha' : v === 'b' ? 'beta' : v === 'm' ? 'milestone' : v;
  return { kind: 'string', value: ALIASES[v] ?? v };
}

function parseItem(isDigit: boolean, buf: string): Item {
  return isDigit ? { kind: 'int', value: buf.replace(/^0+/, '') } : stringItem(buf, false);
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'int':
      return item.value === '';
    case 'string':
      return comparableQualifier(item.value) === RELEASE_INDEX;
    case 'list':
      return item.items.length === 0;
  }
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i]!;
    if (isNull(last)) list.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

/** ComparableVersion.parseVersion(). */
function parse(version: string): Item {
  const root: Item[] = [];
  const stack: Item[][] = [root];
  let list = root;
  const v = version.toLowerCase();
  let isDigit = false;
  let start = 0;
  const push = (): void => {
    const sub: Item[] = [];
    list.push({ kind: 'list', items: sub });
    list = sub;
    stack.push(sub);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 46 || c === 45) {
      // '.' or '-'
      list.push(i === start ? { kind: 'int', value: '' } : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
      if (c === 45) push();
    } else if (c >= 48 && c <= 57) {
      if (!isDigit && i > start) {
        if (list.length > 0) push();
        list.push(stringItem(v.slice(start, i), true));
        start = i;
        push();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, v.slice(start, i)));
        start = i;
        push();
      }
      isDigit = false;
    }
  }
  if (v.length > start) {
    // Maven 3.8 treats a trailing ".X" like "-X" for a qualifier X (1.foo == 1-foo, 1.0.0.X1 < 1.0.0-X2).
    if (!isDigit && list.length > 0) push();
    list.push(parseItem(isDigit, v.slice(start)));
  }
  while (stack.length > 0) normalize(stack.pop()!);
  return { kind: 'list', items: root };
}

/** Item.compareTo(); `b` undefined stands for Java's null (a missing item). */
function compareItem(a: Item, b: Item | undefined): Ordering {
  switch (a.kind) {
    case 'int':
      if (!b) return a.value === '' ? 0 : 1;
      return b.kind === 'int' ? compareDigits(a.value, b.value) : 1;
    case 'string': {
      if (!b) return sign(javaCompare(comparableQualifier(a.value), RELEASE_INDEX));
      if (b.kind === 'int' || b.kind === 'list') return -1;
      return sign(javaCompare(comparableQualifier(a.value), comparableQualifier(b.value)));
    }
    case 'list': {
      if (!b) return a.items.length === 0 ? 0 : compareItem(a.items[0]!, undefined);
      if (b.kind === 'int') return -1;
      if (b.kind === 'string') return 1;
      const n = Math.max(a.items.length, b.items.length);
      for (let i = 0; i < n; i++) {
        const l = a.items[i];
        const r = b.items[i];
        const result = l === undefined ? (r === undefined ? 0 : (-compareItem(r, undefined) as Ordering)) : compareItem(l, r);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}

/** String.compareTo(): UTF-16 code units, then length. */
function javaCompare(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** ComparableVersion(a).compareTo(ComparableVersion(b)) for any strings. */
export function compareMavenVersions(a: string, b: string): Ordering {
  return compareItem(parse(a), parse(b));
}

const INVALID = /[\s[\](),]/;

export function isValidMavenVersion(v: string): boolean {
  return v.length > 0 && v.length <= 1024 && !INVALID.test(v);
}

function check(v: string): void {
  if (!isValidMavenVersion(v)) throw new InvalidVersionError('maven', v, 'empty, too long, or contains whitespace or one of [](),');
}

export const maven: VersionScheme = {
  name: 'maven',
  valid: isValidMavenVersion,
  compare: (a, b) => {
    check(a);
    check(b);
    return compareMavenVersions(a, b);
  },
  compareLoose: compareMavenVersions,
};

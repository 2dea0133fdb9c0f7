/**
 * A tokenizer for the yarn classic (v1) lockfile: an indentation-based format
 * of header lines (one or more comma-separated descriptors ending in ':'),
 * "key value" fields and one level of nested "name range" maps. It never
 * recurses and touches each character a bounded number of times.
 */
export interface YarnV1Block {
  /** Descriptors of the header, unquoted: 'lodash@^4.17.0'. */
  readonly descriptors: readonly string[];
  readonly fields: Readonly<Record<string, string>>;
  /** Nested maps such as dependencies and optionalDependencies. */
  readonly maps: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** 1-based line number of the header. */
  readonly line: number;
}

const MAX_LINE = 64 * 1024;

/** Splits "a b" / "\"a\" \"b\"" into its two words, unquoting JSON-style strings. */
function splitPair(body: string): [string, string] {
  const key = readWord(body, 0);
  let rest = body.slice(key.end);
  rest = rest.trimStart();
  const value = rest === '' ? '' : readWord(rest, 0).word;
  return [key.word, value];
}

function readWord(text: string, start: number): { word: string; end: number } {
  if (text[start] === '"') {
    let out = '';
    let i = start + 1;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) {
        const next = text[i + 1] ?? '';
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
        i += 2;
      } else {
        out += text[i];
        i += 1;
      }
    }
    return { word: out, end: Math.min(i + 1, text.length) };
  }
  let i = start;
  while (i < text.length && text[i] !== ' ' && text[i] !== '\t') i++;
  return { word: text.slice(start, i), end: i };
}

/** Splits a header on commas that are outside quotes. */
function splitDescriptors(header: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (c === '\\' && quoted && i + 1 < header.length) {
      current += header[i + 1];
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(current.trim());
      current = '';
    } else current += c;
  }
  out.push(current.trim());
  return out.filter((d) => d !== '');
}

export function tokenizeYarnV1(text: string): YarnV1Block[] {
  const blocks: YarnV1Block[] = [];
  let current: { descriptors: string[]; fields: Record<string, string>; maps: Record<string, Record<string, string>>; line: number } | undefined;
  let openMap: Record<string, string> | undefined;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n] ?? '';
    if (raw.length > MAX_LINE) throw new Error(`line ${n + 1} is longer than ${MAX_LINE} characters`);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    if (indent === 0) {
      openMap = undefined;
      if (!trimmed.endsWith(':')) throw new Error(`line ${n + 1}: expected an entry header ending in ':'`);
      current = {
        descriptors: splitDescriptors(trimmed.slice(0, -1)),
        fields: Object.create(null) as Record<string, string>,
        maps: Object.create(null) as Record<string, Record<string, string>>,
        line: n + 1,
      };
      blocks.push(current);
      continue;
    }
    if (current === undefined) throw new Error(`line ${n + 1}: field outside an entry`);
    if (indent <= 2) {
      if (trimmed.endsWith(':')) {
        const [name] = splitPair(trimmed.slice(0, -1));
        openMap = Object.create(null) as Record<string, string>;
        current.maps[name] = openMap;
      } else {
        openMap = undefined;
        const [key, value] = splitPair(trimmed);
        current.fields[key] = value;
      }
    } else if (openMap !== undefined) {
      const [key, value] = splitPair(trimmed);
      openMap[key] = value;
    }
  }
  return blocks;
}

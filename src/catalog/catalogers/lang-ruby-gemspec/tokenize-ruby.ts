/**
 * A small tokenizer for the subset of Ruby that gemspecs use: identifiers,
 * constants, strings ('…', "…", %q(…), %Q{…}), word arrays (%w[…]),
 * symbols, numbers and punctuation. It never evaluates anything; string
 * interpolation is kept as literal text. Linear in the input.
 */
import { BadInputError } from '../../../domain/errors.js';

export type RubyToken =
  | { readonly kind: 'ident' | 'const' | 'symbol' | 'number' | 'punct'; readonly value: string; readonly line: number }
  | { readonly kind: 'string'; readonly value: string; readonly line: number }
  | { readonly kind: 'words'; readonly value: readonly string[]; readonly line: number }
  | { readonly kind: 'newline'; readonly value: '\n'; readonly line: number };

const MAX_TOKENS = 200_000;
const PAIRS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}', '<': '>' };
const PUNCT = ['::', '=>', '==', '||', '&&', '**'];

export function tokenizeRuby(src: string): RubyToken[] {
  const tokens: RubyToken[] = [];
  let i = 0;
  let line = 1;
  const push = (t: RubyToken): void => {
    if (tokens.length >= MAX_TOKENS) throw new BadInputError(`more than ${MAX_TOKENS} tokens`);
    tokens.push(t);
  };
  while (i < src.length) {
    const c = src[i] ?? '';
    if (c === '\n') {
      push({ kind: 'newline', value: '\n', line });
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      line++;
    } else if (c === '"' || c === "'" || c === '`') {
      const start = line;
      const { text, end, lines } = readDelimited(src, i + 1, c, undefined, c !== "'");
      line += lines;
      push({ kind: 'string', value: text, line: start });
      i = end;
    } else if (c === '%' && /[qQwWi]?[([{<|!/]/.test(src.slice(i + 1, i + 3))) {
      let j = i + 1;
      let type = 'Q';
      if (/[qQwWi]/.test(src[j] ?? '')) type = src[j++] ?? 'Q';
      const open = src[j] ?? '';
      const close = PAIRS[open] ?? open;
      const start = line;
      const { text, end, lines } = readDelimited(src, j + 1, close, PAIRS[open] !== undefined ? open : undefined, type !== 'q' && type !== 'w');
      line += lines;
      if (type === 'w' || type === 'W' || type === 'i') push({ kind: 'words', value: text.split(/\s+/).filter((w) => w !== ''), line: start });
      else push({ kind: 'string', value: text, line: start });
      i = end;
    } else if (c === ':' && /[A-Za-z_]/.test(src[i + 1] ?? '')) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_?!=]/.test(src[j] ?? '')) j++;
      push({ kind: 'symbol', value: src.slice(i + 1, j), line });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j] ?? '')) j++;
      if ((src[j] === '?' || src[j] === '!') && src[j + 1] !== '=') j++;
      const word = src.slice(i, j);
      push({ kind: /^[A-Z]/.test(word) ? 'const' : 'ident', value: word, line });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i;
      while (j < src.length && /[0-9._]/.test(src[j] ?? '')) j++;
      push({ kind: 'number', value: src.slice(i, j), line });
      i = j;
    } else {
      const two = src.slice(i, i + 2);
      const value = PUNCT.includes(two) ? two : c;
      push({ kind: 'punct', value, line });
      i += value.length;
    }
  }
  return tokens;
}

/**
 * Reads up to the closing delimiter, honouring backslash escapes and nesting
 * of bracket pairs. Interpolation (#{…}) is kept verbatim.
 */
function readDelimited(
  src: string,
  start: number,
  close: string,
  open: string | undefined,
  escapes: boolean,
): { text: string; end: number; lines: number } {
  let depth = 0;
  let text = '';
  let lines = 0;
  for (let i = start; i < src.length; i++) {
    const c = src[i] ?? '';
    if (c === '\n') lines++;
    if (c === '\\' && i + 1 < src.length) {
      const next = src[i + 1] ?? '';
      if (next === '\n') lines++;
      text += escapes ? (next === 'n' ? '\n' : next === 't' ? '\t' : next) : next === close || next === '\\' ? next : `\\${next}`;
      i++;
    } else if (open !== undefined && c === open) {
      depth++;
      text += c;
    } else if (c === close) {
      if (depth === 0) return { text, end: i + 1, lines };
      depth--;
      text += c;
    } else text += c;
  }
  throw new BadInputError('unterminated string');
}

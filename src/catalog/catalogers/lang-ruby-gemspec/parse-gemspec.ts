import { BadInputError } from '../../../domain/errors.js';
import { tokenizeRuby, type RubyToken } from './tokenize-ruby.js';

/** What a gemspec declares, read without running Ruby. */
export interface GemspecFacts {
  readonly name?: string;
  readonly version?: string;
  readonly licenses: readonly string[];
  readonly platform?: string;
  readonly runtimeDependencies: readonly string[];
  readonly developmentDependencies: readonly string[];
}

type Value = string | readonly string[] | undefined;

const MAX_CHARS = 1024 * 1024;

/**
 * Reads `Gem::Specification.new do |s| … end`: assignments `s.attr = value`
 * where value is a string (optionally `.freeze`d), `Gem::Version.new("…")`,
 * an array of strings, or a constant assigned a string literal earlier in the
 * same file; and `s.add_*dependency` calls. Returns undefined when the file
 * has no specification block. Throws on a block that ends mid-assignment.
 */
export function parseGemspec(text: string): GemspecFacts | undefined {
  if (text.length > MAX_CHARS) throw new BadInputError(`gemspec of ${text.length} characters exceeds the ${MAX_CHARS} limit`);
  const tokens = tokenizeRuby(text);
  const constants = new Map<string, string>();
  let blockVar: string | undefined;
  const attrs = new Map<string, Value>();
  const runtime: string[] = [];
  const development: string[] = [];

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined) break;
    const prev = tokens[i - 1];
    const atStatement = prev === undefined || prev.kind === 'newline' || (prev.kind === 'punct' && prev.value === ';');
    // CONSTANT = "literal" (top level or in a module), used by `s.version = VERSION`.
    if (atStatement && t.kind === 'const' && isPunct(tokens[i + 1], '=')) {
      const value = readExpression(tokens, i + 2, constants);
      if (typeof value.value === 'string') constants.set(t.value, value.value);
      continue;
    }
    if (blockVar === undefined) {
      if (isSeq(tokens, i, ['Gem', '::', 'Specification', '.', 'new'])) {
        let j = i + 5;
        if (isPunct(tokens[j], '(') && isPunct(tokens[j + 1], ')')) j += 2;
        const opener = tokens[j];
        if ((opener?.kind === 'ident' && opener.value === 'do') || isPunct(opener, '{')) {
          const v = tokens[j + 2];
          if (isPunct(tokens[j + 1], '|') && v?.kind === 'ident' && isPunct(tokens[j + 3], '|')) blockVar = v.value;
        }
      }
      continue;
    }
    if (t.kind !== 'ident' || t.value !== blockVar || !isPunct(tokens[i + 1], '.')) continue;
    const attr = tokens[i + 2];
    if (attr?.kind !== 'ident') continue;
    if (isPunct(tokens[i + 3], '=')) {
      const value = readExpression(tokens, i + 4, constants);
      if (value.missing) throw new BadInputError(`gemspec line ${attr.line}: assignment to ${attr.value} has no value`);
      attrs.set(attr.value, value.value);
      i = value.next - 1;
    } else if (/^add_(runtime_|development_)?dependency$/.test(attr.value)) {
      let j = i + 3;
      if (isPunct(tokens[j], '(')) j++;
      const dep = readExpression(tokens, j, constants).value;
      if (typeof dep === 'string') (attr.value === 'add_development_dependency' ? development : runtime).push(dep);
    }
  }
  if (blockVar === undefined) return undefined;
  const str = (v: Value): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const licenses: string[] = [];
  const single = str(attrs.get('license'));
  if (single !== undefined) licenses.push(single);
  const many = attrs.get('licenses');
  if (Array.isArray(many)) for (const l of many) if (l.trim() !== '' && !licenses.includes(l.trim())) licenses.push(l.trim());
  if (typeof many === 'string' && many.trim() !== '' && !licenses.includes(many.trim())) licenses.push(many.trim());
  const name = str(attrs.get('name'));
  const version = str(attrs.get('version'));
  const platform = str(attrs.get('platform'));
  return {
    ...(name !== undefined ? { name } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(platform !== undefined ? { platform } : {}),
    licenses,
    runtimeDependencies: runtime,
    developmentDependencies: development,
  };
}

function isPunct(t: RubyToken | undefined, value: string): boolean {
  return t?.kind === 'punct' && t.value === value;
}

function isSeq(tokens: readonly RubyToken[], at: number, values: readonly string[]): boolean {
  return values.every((v, k) => tokens[at + k]?.value === v);
}

/**
 * One value expression: a literal, array, Gem::Version.new(literal) or a
 * known constant, followed by any chain of argument-less calls (.freeze,
 * .to_s). Anything else yields an undefined value (not an error).
 */
function readExpression(
  tokens: readonly RubyToken[],
  at: number,
  constants: ReadonlyMap<string, string>,
): { value: Value; next: number; missing: boolean } {
  let i = at;
  const t = tokens[i];
  if (t === undefined || t.kind === 'newline') return { value: undefined, next: i, missing: true };
  let value: Value;
  if (t.kind === 'string') {
    value = t.value;
    i++;
  } else if (t.kind === 'words') {
    value = t.value;
    i++;
  } else if (isPunct(t, '[')) {
    const items: string[] = [];
    i++;
    while (i < tokens.length && !isPunct(tokens[i], ']')) {
      const item = tokens[i];
      if (item?.kind === 'newline' || isPunct(item, ',')) {
        i++;
        continue;
      }
      const inner = readExpression(tokens, i, constants);
      if (typeof inner.value === 'string') items.push(inner.value);
      i = Math.max(inner.next, i + 1);
    }
    value = items;
    i++;
  } else if (isSeq(tokens, i, ['Gem', '::', 'Version', '.', 'new', '('])) {
    const inner = readExpression(tokens, i + 6, constants);
    value = typeof inner.value === 'string' ? inner.value : undefined;
    i = inner.next;
    if (isPunct(tokens[i], ')')) i++;
  } else if (t.kind === 'const' && !isPunct(tokens[i + 1], '::')) {
    value = constants.get(t.value);
    i++;
  } else {
    return { value: undefined, next: i + 1, missing: false };
  }
  while (isPunct(tokens[i], '.') && tokens[i + 1]?.kind === 'ident' && !isPunct(tokens[i + 2], '(')) i += 2;
  return { value, next: i, missing: false };
}

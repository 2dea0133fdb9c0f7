/**
 * Parses go.mod: the module line, require/replace/exclude directives in their
 * one-line and block forms, and `// indirect` markers. Other directives (go,
 * toolchain, retract, godebug, tool) are accepted and ignored.
 */
import { BadInputError } from '../../../domain/errors.js';

export interface GoModRequire {
  readonly path: string;
  readonly version: string;
  readonly indirect: boolean;
}

export interface GoModReplace {
  readonly path: string;
  /** Absent when the replacement applies to every version. */
  readonly version?: string;
  readonly newPath: string;
  readonly newVersion?: string;
}

export interface GoModFile {
  readonly module?: string;
  readonly requires: readonly GoModRequire[];
  readonly replaces: readonly GoModReplace[];
  readonly excludes: readonly { readonly path: string; readonly version: string }[];
}

export function parseGoMod(text: string): GoModFile {
  let module: string | undefined;
  const requires: GoModRequire[] = [];
  const replaces: GoModReplace[] = [];
  const excludes: { path: string; version: string }[] = [];
  let block: string | undefined;
  for (const [n, raw] of text.split('\n').entries()) {
    const { tokens, comment } = tokenize(raw, n);
    if (tokens.length === 0) continue;
    let verb: string;
    let args: string[];
    if (block !== undefined) {
      if (tokens[0] === ')' && tokens.length === 1) {
        block = undefined;
        continue;
      }
      verb = block;
      args = tokens;
    } else if (tokens.length === 2 && tokens[1] === '(') {
      block = tokens[0];
      continue;
    } else {
      verb = tokens[0] ?? '';
      args = tokens.slice(1);
    }
    const where = `go.mod line ${n + 1}`;
    switch (verb) {
      case 'module':
        module = args[0];
        break;
      case 'require': {
        const [path, version] = args;
        if (!path || !version || args.length !== 2) throw new BadInputError(`${where}: malformed require`);
        requires.push({ path, version, indirect: /^\s*indirect\b/.test(comment) });
        break;
      }
      case 'exclude': {
        const [path, version] = args;
        if (!path || !version) throw new BadInputError(`${where}: malformed exclude`);
        excludes.push({ path, version });
        break;
      }
      case 'replace': {
        const arrow = args.indexOf('=>');
        const left = args.slice(0, arrow);
        const right = args.slice(arrow + 1);
        if (arrow < 1 || left.length > 2 || right.length < 1 || right.length > 2) throw new BadInputError(`${where}: malformed replace`);
        replaces.push({ path: left[0]!, version: left[1], newPath: right[0]!, newVersion: right[1] });
        break;
      }
      default:
        break;
    }
  }
  if (block !== undefined) throw new BadInputError(`go.mod: ${block} block is not closed`);
  return { module, requires, replaces, excludes };
}

/** Splits a line into tokens (bare, "interpreted" or `raw` strings) and its trailing // comment. */
function tokenize(line: string, n: number): { tokens: string[]; comment: string } {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (line.startsWith('//', i)) {
      return { tokens, comment: line.slice(i + 2) };
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += c === '"' && line[j] === '\\' ? 2 : 1;
      if (j >= line.length) throw new BadInputError(`go.mod line ${n + 1}: unterminated string`);
      const quoted = line.slice(i, j + 1);
      tokens.push(c === '`' ? quoted.slice(1, -1) : unquote(quoted, n));
      i = j + 1;
    } else if (c === '(' || c === ')') {
      tokens.push(c);
      i++;
    } else {
      let j = i;
      while (j < line.length && !' \t\r"`()'.includes(line[j] ?? '') && !line.startsWith('//', j)) j++;
      tokens.push(line.slice(i, j));
      i = j;
    }
  }
  return { tokens, comment: '' };
}

function unquote(quoted: string, n: number): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    throw new BadInputError(`go.mod line ${n + 1}: bad quoted string`);
  }
}

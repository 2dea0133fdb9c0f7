/**
 * Parses the modinfo text of a Go binary (what `go version -m` prints): the
 * main package path, the main module, each dependency with its optional `=>`
 * replacement, and `build` settings (Go 1.18+). Mirrors the line grammar of
 * runtime/debug.ParseBuildInfo.
 */
import { ImageFormatError } from '../../../domain/errors.js';

export interface GoModule {
  readonly path: string;
  readonly version: string;
  readonly sum?: string;
  readonly replace?: GoModule;
}

export interface GoModInfo {
  readonly path?: string;
  readonly main?: GoModule;
  readonly deps: readonly GoModule[];
  readonly settings: readonly (readonly [string, string])[];
}

const MAX_LINES = 100_000;

export function parseModInfo(text: string): GoModInfo {
  let path: string | undefined;
  let main: GoModule | undefined;
  const deps: GoModule[] = [];
  const settings: [string, string][] = [];
  let last: 'main' | 'dep' | undefined;
  const lines = text.split('\n');
  if (lines.length > MAX_LINES) throw new ImageFormatError(`Go modinfo has more than ${MAX_LINES} lines`);
  for (const [n, line] of lines.entries()) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const word = tab < 0 ? line : line.slice(0, tab);
    const rest = tab < 0 ? '' : line.slice(tab + 1);
    switch (word) {
      case 'path':
        path = rest;
        break;
      case 'mod':
        main = module(rest, n);
        last = 'main';
        break;
      case 'dep':
        deps.push(module(rest, n));
        last = 'dep';
        break;
      case '=>': {
        const replace = module(rest, n);
        if (last === 'dep') {
          const i = deps.length - 1;
          const dep = deps[i];
          if (dep) deps[i] = { ...dep, replace };
        } else if (last === 'main' && main) {
          main = { ...main, replace };
        } else {
          throw new ImageFormatError(`Go modinfo line ${n + 1}: replacement without a module`);
        }
        last = undefined;
        break;
      }
      case 'build':
        settings.push(setting(rest, n));
        break;
      default:
        throw new ImageFormatError(`Go modinfo line ${n + 1}: unknown line kind '${word.slice(0, 20)}'`);
    }
  }
  return { path, main, deps, settings };
}

function module(rest: string, n: number): GoModule {
  const [path, version = '', sum] = rest.split('\t');
  if (!path) throw new ImageFormatError(`Go modinfo line ${n + 1}: module without a path`);
  return sum ? { path, version, sum } : { path, version };
}

/** `key=value`, where either side may be a Go-quoted string when it holds '=', spaces or quotes. */
function setting(rest: string, n: number): [string, string] {
  const [key, afterKey] = quotedOrUntil(rest, '=', n);
  if (!afterKey.startsWith('=')) throw new ImageFormatError(`Go modinfo line ${n + 1}: build setting without '='`);
  const [value] = quotedOrUntil(afterKey.slice(1), undefined, n);
  return [key, value];
}

function quotedOrUntil(s: string, stop: string | undefined, n: number): [string, string] {
  if (s.startsWith('"')) {
    let i = 1;
    while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
    try {
      return [JSON.parse(s.slice(0, i + 1)) as string, s.slice(i + 1)];
    } catch {
      throw new ImageFormatError(`Go modinfo line ${n + 1}: badly quoted build setting`);
    }
  }
  const at = stop === undefined ? -1 : s.indexOf(stop);
  return at < 0 ? [s, ''] : [s.slice(0, at), s.slice(at)];
}

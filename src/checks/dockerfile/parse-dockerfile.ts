/**
 * A Dockerfile parser for linting: parser directives, comments, line
 * continuations (with the `# escape=` character), JSON (exec) and shell
 * forms, leading `--flags`, and heredocs (`<<EOF` … `EOF`), each instruction
 * with the line it starts on. No ARG/ENV substitution: rules judge the text
 * as written.
 */
import { BadInputError, LimitExceededError } from '../../domain/errors.js';

export interface Heredoc {
  readonly name: string;
  readonly body: string;
}

export interface Instruction {
  /** Upper-cased: 'FROM', 'RUN', … */
  readonly keyword: string;
  /** Everything after the keyword, continuations joined with a space, heredoc bodies excluded. */
  readonly args: string;
  /** Leading `--name=value` flags (`--mount`, `--chown`, `--platform`); repeated names keep the last. */
  readonly flags: ReadonlyMap<string, string>;
  /** The arguments after the flags. */
  readonly rest: string;
  /** Exec form (`["a", "b"]`) when the rest is a JSON array of strings. */
  readonly json?: readonly string[];
  readonly heredocs: readonly Heredoc[];
  /** 1-based line of the keyword, and of the instruction's last line. */
  readonly line: number;
  readonly endLine: number;
}

export interface Dockerfile {
  readonly directives: ReadonlyMap<string, string>;
  readonly instructions: readonly Instruction[];
}

export const MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024;
const MAX_HEREDOCS = 64;

const DIRECTIVE = /^#[ \t]*([A-Za-z][A-Za-z0-9_-]{0,64})[ \t]*=[ \t]*(.*?)[ \t]*$/;
const KEYWORD = /^[ \t]*([A-Za-z]{2,12})(?:[ \t]+|$)/;
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]{0,64})\2/g;

function parseFlags(text: string): { flags: Map<string, string>; rest: string } {
  const flags = new Map<string, string>();
  let rest = text;
  for (let m = /^--([a-z][a-z0-9-]{0,30})(?:=(\S*))?[ \t]*/.exec(rest); m; m = /^--([a-z][a-z0-9-]{0,30})(?:=(\S*))?[ \t]*/.exec(rest)) {
    flags.set(m[1] as string, m[2] ?? '');
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

function parseJson(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(rest);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

export function parseDockerfile(text: string): Dockerfile {
  if (text.length > MAX_DOCKERFILE_BYTES) throw new LimitExceededError(`Dockerfile is larger than ${MAX_DOCKERFILE_BYTES} bytes`);
  if (text.includes('\0')) throw new BadInputError('not a Dockerfile: the file contains NUL bytes (binary content)');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const directives = new Map<string, string>();
  let i = 0;
  // Directives only at the very top, before any blank line, comment or instruction.
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i] as string);
    if (!m || directives.has((m[1] as string).toLowerCase())) break;
    directives.set((m[1] as string).toLowerCase(), m[2] as string);
  }
  const escape = directives.get('escape') === '`' ? '`' : '\\';

  const instructions: Instruction[] = [];
  while (i < lines.length) {
    const first = lines[i] as string;
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const start = i;
    let joined = '';
    // Continuations: a line ending in the escape character joins the next; comment lines inside are dropped.
    for (;;) {
      const raw = (lines[i] as string).replace(/[ \t]+$/, '');
      i++;
      if (raw.endsWith(escape)) {
        joined += `${raw.slice(0, -1)} `;
        while (i < lines.length && /^[ \t]*#/.test(lines[i] as string)) i++;
        if (i < lines.length) continue;
        joined = joined.trimEnd() + ' ';
        break;
      }
      joined += raw;
      break;
    }
    const keywordMatch = KEYWORD.exec(joined);
    if (!keywordMatch) {
      // Not an instruction (a stray line); skip it rather than guess.
      continue;
    }
    const keyword = (keywordMatch[1] as string).toUpperCase();
    const args = joined.slice(keywordMatch[0].length).trim();
    const heredocs: Heredoc[] = [];
    if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
      for (const m of args.matchAll(HEREDOC)) {
        if (heredocs.length >= MAX_HEREDOCS) break;
        const strip = m[1] === '-';
        const name = m[3] as string;
        const body: string[] = [];
        while (i < lines.length) {
          const line = lines[i] as string;
          i++;
          if ((strip ? line.replace(/^\t+/, '') : line) === name) break;
          body.push(strip ? line.replace(/^\t+/, '') : line);
        }
        heredocs.push({ name, body: body.join('\n') });
      }
    }
    const { flags, rest } = parseFlags(args);
    const json = parseJson(rest);
    instructions.push({ keyword, args, flags, rest, ...(json ? { json } : {}), heredocs, line: start + 1, endLine: i });
  }
  return { directives, instructions };
}

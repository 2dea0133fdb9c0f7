/**
 * Globs in policy scopes and exceptions ('docker.io/library/*', 'team-*',
 * '/etc/ssh/sshd_config*'): `*` matches within one path segment, `**` across
 * segments, `?` one character, `[abc]`/`[!a-z]` a class, `{a,b}` alternatives.
 * Compiled once at load time; a pattern that does not compile is a load error.
 */
export class GlobSyntaxError extends Error {}

const MAX_PATTERN = 1024;

export function compileGlob(pattern: string): RegExp {
  if (pattern.length === 0) throw new GlobSyntaxError('empty glob');
  if (pattern.length > MAX_PATTERN) throw new GlobSyntaxError(`glob longer than ${MAX_PATTERN} characters`);
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        out += '.*';
        i++;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) throw new GlobSyntaxError(`unclosed "[" in glob ${JSON.stringify(pattern)}`);
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      braceDepth++;
      out += '(?:';
    } else if (c === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (c === ',' && braceDepth > 0) {
      out += '|';
    } else {
      out += c.replace(/[.+^${}()|\\/\]]/g, '\\$&');
    }
  }
  if (braceDepth > 0) throw new GlobSyntaxError(`unclosed "{" in glob ${JSON.stringify(pattern)}`);
  try {
    return new RegExp(`^${out}$`, 's');
  } catch (error) {
    throw new GlobSyntaxError(`glob ${JSON.stringify(pattern)} does not compile: ${(error as Error).message}`);
  }
}

/**
 * Path globs for allow-lists and noise lists: `**` crosses directories, `*`
 * and `?` stay within one segment; `a/**\/b` also matches `a/b`.
 */
export function pathGlob(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (c === '*') {
      source += '[^/]*';
    } else if (c === '?') {
      source += '[^/]';
    } else {
      source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** One RegExp for a list of globs (an empty list matches nothing). */
export function pathGlobs(globs: readonly string[]): RegExp {
  if (globs.length === 0) return /(?!)/;
  return new RegExp(globs.map((g) => pathGlob(g).source).join('|'));
}

/**
 * A bounded reader for java.util.Properties text (pom.properties): `key=value`,
 * `key: value` or `key value`, `#`/`!` comments, backslash continuations and
 * escapes including \uXXXX.
 */
export function parseJavaProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (endsWithOddBackslashes(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + (lines[++i] ?? '').replace(/^[ \t\f]+/, '');
    }
    let k = 0;
    while (k < line.length && !'=: \t\f'.includes(line[k] ?? '')) k += line[k] === '\\' ? 2 : 1;
    const key = unescape(line.slice(0, k));
    let v = k;
    while (v < line.length && ' \t\f'.includes(line[v] ?? '')) v++;
    if (line[v] === '=' || line[v] === ':') v++;
    while (v < line.length && ' \t\f'.includes(line[v] ?? '')) v++;
    out.set(key, unescape(line.slice(v)));
  }
  return out;
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.startsWith('u') && e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return { t: '\t', n: '\n', r: '\r', f: '\f' }[e] ?? e;
  });
}

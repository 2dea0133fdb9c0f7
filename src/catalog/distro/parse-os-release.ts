/**
 * os-release(5) parser: newline-separated KEY=value assignments in a subset of
 * shell syntax. Values may be unquoted or wrapped in double or single quotes;
 * inside double quotes (and unquoted) a backslash escapes the next character.
 * Lines starting with '#' and blank lines are ignored, and so are malformed
 * lines, as systemd does.
 */

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseOsRelease(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!KEY.test(key)) continue;
    const value = unquote(line.slice(eq + 1));
    if (value !== undefined) fields.set(key, value);
  }
  return fields;
}

/** Undefined when quoting is unbalanced: systemd ignores such assignments. */
function unquote(raw: string): string | undefined {
  let out = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else out += ch;
      continue;
    }
    if (ch === '\\') {
      const next = raw[i + 1];
      if (next === undefined) break;
      // Inside double quotes only these are escapes; elsewhere the backslash stays.
      if (quote === '"' && !'"\\`$'.includes(next)) out += ch;
      out += next;
      i++;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = undefined;
      else out += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      continue;
    }
    if (ch === '#' && (i === 0 || /\s/.test(raw[i - 1] ?? ''))) break;
    if (/\s/.test(ch)) {
      // Unquoted whitespace ends the word; trailing text is not part of the value.
      if (raw.slice(i).trim() === '' || raw.slice(i).trim().startsWith('#')) break;
      out += ch;
      continue;
    }
    out += ch;
  }
  return quote === undefined ? out : undefined;
}

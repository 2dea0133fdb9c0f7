/**
 * Parses application configuration files into the shapes CEL conditions see:
 * key-value (sshd_config, .env, nginx-like `key value;`), INI sections,
 * JSON and YAML. Integers become CEL ints (bigint) so `content.port == 22`
 * type-checks and compares as written.
 */
import { parse as parseYaml } from 'yaml';

export type ConfigFormat = 'text' | 'keyvalue' | 'ini' | 'json' | 'yaml';

const KEY_VALUE = /^([^\s=:]+)\s*(?:=|:|\s)\s*(.*?)\s*;?\s*$/;

/** First occurrence wins, as in sshd_config. Quotes around values are removed. */
function parseKeyValue(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = KEY_VALUE.exec(line);
    if (!m) {
      if (!(line in out)) out[line] = '';
      continue;
    }
    const key = m[1] as string;
    if (!(key in out)) out[key] = unquote(m[2] ?? '');
  }
  return out;
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = { '': {} };
  let section = out[''] as Record<string, string>;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]*)\]$/.exec(line);
    if (header) {
      const name = (header[1] ?? '').trim();
      section = out[name] ??= {};
      continue;
    }
    const eq = line.search(/[=:]/);
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    section[key] = eq < 0 ? '' : unquote(line.slice(eq + 1).trim());
  }
  return out;
}

function toCel(value: unknown, depth: number): unknown {
  if (depth > 64) throw new Error('nested more than 64 levels');
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((v) => toCel(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v, depth + 1);
    return out;
  }
  return value ?? null;
}

/** @throws Error with a short reason when the content is not of that format. */
export function parseConfigFile(text: string, format: ConfigFormat): unknown {
  switch (format) {
    case 'text':
      return text;
    case 'keyvalue':
      return parseKeyValue(text);
    case 'ini':
      return parseIni(text);
    case 'json':
      return toCel(JSON.parse(text), 0);
    case 'yaml':
      return toCel(parseYaml(text, { maxAliasCount: 100 }), 0);
  }
}

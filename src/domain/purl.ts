/**
 * Package URLs (https://github.com/package-url/purl-spec), formatted in the
 * spec's canonical form: only RFC 3986 unreserved characters and ':' stay as
 * they are, everything else (including '+', '/' inside a component and
 * spaces) is percent-encoded; qualifiers sorted, empty ones dropped.
 * Parsing is lenient about encoding, as the spec asks.
 */
import { PackageURL } from 'packageurl-js';

export interface PurlParts {
  readonly type: string;
  readonly namespace?: string;
  readonly name: string;
  readonly version?: string;
  readonly qualifiers?: Readonly<Record<string, string | undefined>>;
  readonly subpath?: string;
}

const KEEP = /[A-Za-z0-9.\-_~:]/;

function encode(value: string): string {
  let out = '';
  for (const char of value) {
    if (KEEP.test(char)) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const segments = (value: string): string[] => value.split('/').filter((s) => s !== '' && s !== '.' && s !== '..');

export function formatPurl(parts: PurlParts): string {
  if (!/^[a-zA-Z][a-zA-Z0-9.-]*$/.test(parts.type)) throw new Error(`invalid purl type "${parts.type}"`);
  if (parts.name === '') throw new Error('a purl needs a name');
  let purl = `pkg:${parts.type.toLowerCase()}/`;
  if (parts.namespace) purl += `${segments(parts.namespace).map(encode).join('/')}/`;
  purl += encode(parts.name);
  if (parts.version) purl += `@${encode(parts.version)}`;
  const qualifiers = Object.entries(parts.qualifiers ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => [key.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (qualifiers.length > 0) purl += `?${qualifiers.map(([k, v]) => `${k}=${encode(v)}`).join('&')}`;
  if (parts.subpath) {
    const sub = segments(parts.subpath).map(encode).join('/');
    if (sub) purl += `#${sub}`;
  }
  return purl;
}

export function parsePurl(purl: string): PurlParts {
  const p = PackageURL.fromString(purl);
  return {
    type: p.type,
    namespace: p.namespace ?? undefined,
    name: p.name,
    version: p.version ?? undefined,
    qualifiers: p.qualifiers ?? undefined,
    subpath: p.subpath ?? undefined,
  };
}

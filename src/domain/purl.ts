/**
 * Package URLs (https://github.com/package-url/purl-spec), formatted in the
 * spec's canonical form: only RFC 3986 unreserved characters and ':' stay as
 * they are, everything else (including '+', '/' inside a component and
 * spaces) is percent-encoded; qualifiers sorted, empty ones dropped.
 * Parsing follows the spec's algorithm and accepts either encoding of a
 * character, as the spec asks.
 */
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

/** Parses a purl by the spec's algorithm; throws on anything that is not one. */
export function parsePurl(purl: string): PurlParts {
  const scheme = /^pkg:\/*/i.exec(purl);
  if (!scheme) throw new Error(`not a purl (no "pkg:" scheme): ${purl}`);
  let rest = purl.slice(scheme[0].length);
  let subpath: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    subpath = segments(rest.slice(hash + 1)).map(decode).join('/') || undefined;
    rest = rest.slice(0, hash);
  }
  let qualifiers: Record<string, string> | undefined;
  const question = rest.indexOf('?');
  if (question >= 0) {
    for (const pair of rest.slice(question + 1).split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const value = decode(pair.slice(eq + 1));
      if (value !== '') (qualifiers ??= {})[pair.slice(0, eq).toLowerCase()] = value;
    }
    rest = rest.slice(0, question);
  }
  rest = rest.replace(/\/+$/, '');
  let version: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at > rest.lastIndexOf('/')) {
    version = decode(rest.slice(at + 1)) || undefined;
    rest = rest.slice(0, at);
  }
  const parts = rest.split('/').filter((s) => s !== '');
  const type = parts.shift()?.toLowerCase();
  const name = parts.pop();
  if (!type || !/^[a-z][a-z0-9.-]*$/.test(type) || name === undefined) throw new Error(`not a purl (needs type and name): ${purl}`);
  const namespace = parts.map(decode).join('/') || undefined;
  return { type, ...(namespace ? { namespace } : {}), name: decode(name), ...(version ? { version } : {}), ...(qualifiers ? { qualifiers } : {}), ...(subpath ? { subpath } : {}) };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new Error(`invalid percent-encoding in purl component "${value}"`);
  }
}

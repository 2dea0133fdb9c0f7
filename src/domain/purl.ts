import { PackageURL } from 'packageurl-js';

/** Parts of a package URL (https://github.com/package-url/purl-spec). */
export interface PurlParts {
  readonly type: string;
  readonly namespace?: string;
  readonly name: string;
  readonly version?: string;
  readonly qualifiers?: Readonly<Record<string, string | undefined>>;
  readonly subpath?: string;
}

/** Builds a canonical purl string; empty qualifiers are dropped, the rest sorted by key. */
export function formatPurl(parts: PurlParts): string {
  const qualifiers: Record<string, string> = {};
  for (const key of Object.keys(parts.qualifiers ?? {}).sort()) {
    const value = parts.qualifiers?.[key];
    if (value !== undefined && value !== '') qualifiers[key] = value;
  }
  return new PackageURL(
    parts.type,
    parts.namespace || undefined,
    parts.name,
    parts.version || undefined,
    Object.keys(qualifiers).length > 0 ? qualifiers : undefined,
    parts.subpath || undefined,
  ).toString();
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

/**
 * One package record of the dpkg database, read from a deb822 paragraph of
 * /var/lib/dpkg/status or a distroless /var/lib/dpkg/status.d/ file.
 */
import type { Deb822Paragraph } from './parse-deb822.js';

export interface DpkgEntry {
  readonly name: string;
  /** Full Debian version, epoch included: '1:2.5.1-4'. */
  readonly version: string;
  readonly arch?: string;
  readonly sourceName: string;
  /** `Source: name (version)` when given, else the binary version (as dpkg-query's ${source:Version}). */
  readonly sourceVersion: string;
  readonly maintainer?: string;
  /** KiB, as dpkg records it. */
  readonly installedSize?: number;
  /** Depends and Pre-Depends, each a list of alternatives. */
  readonly depends: readonly (readonly string[])[];
  /** Virtual package names this package provides. */
  readonly provides: readonly string[];
  readonly line: number;
}

export type DpkgEntryResult =
  | { readonly kind: 'installed'; readonly entry: DpkgEntry }
  | { readonly kind: 'not-installed' }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * `requireStatus`: the main status file lists removed packages too, so only
 * an explicit installed state counts there; distroless status.d files often
 * have no Status field and list only what is installed.
 */
export function toDpkgEntry(paragraph: Deb822Paragraph, requireStatus: boolean): DpkgEntryResult {
  const get = (field: string): string | undefined => {
    const value = paragraph.fields.get(field)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const status = get('status');
  // 'want flag state': only the state word says what is on disk ('hold ok installed' is installed).
  if (status !== undefined ? status.split(/\s+/)[2] !== 'installed' : requireStatus) return { kind: 'not-installed' };
  const name = get('package');
  if (name === undefined) return { kind: 'invalid', reason: 'paragraph has no Package field' };
  const version = get('version');
  if (version === undefined) return { kind: 'invalid', reason: `package ${name} has no Version field` };

  const source = parseSource(get('source'));
  const installedSize = get('installed-size');
  const size = installedSize !== undefined && /^\d+$/.test(installedSize) ? Number(installedSize) : undefined;
  const arch = get('architecture');
  const maintainer = get('maintainer');
  return {
    kind: 'installed',
    entry: {
      name,
      version,
      ...(arch !== undefined ? { arch } : {}),
      sourceName: source?.name ?? name,
      sourceVersion: source?.version ?? version,
      ...(maintainer !== undefined ? { maintainer } : {}),
      ...(size !== undefined && Number.isSafeInteger(size) ? { installedSize: size } : {}),
      depends: [...splitRelations(get('pre-depends')), ...splitRelations(get('depends'))],
      provides: splitRelations(get('provides')).flatMap((alternatives) => alternatives),
      line: paragraph.line,
    },
  };
}

/** 'pam' or 'pam (1.5.2-6)'. */
function parseSource(value: string | undefined): { name: string; version?: string } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\S+)(?:\s*\(\s*([^)\s]+)\s*\))?/.exec(value);
  if (!match) return undefined;
  return match[2] ? { name: match[1] as string, version: match[2] } : { name: match[1] as string };
}

/**
 * 'a (>= 1) | b:any [amd64] <!nocheck>, c' → [['a', 'b'], ['c']]: names only,
 * without version constraints, multiarch qualifiers, arch lists or profiles.
 */
function splitRelations(value: string | undefined): string[][] {
  if (value === undefined) return [];
  const groups: string[][] = [];
  for (const group of value.split(',')) {
    const names = group
      .split('|')
      .map((alt) => alt.replace(/\([^)]*\)|\[[^\]]*\]|<[^>]*>/g, ' ').trim().split(/\s+/)[0] ?? '')
      .map((name) => name.replace(/:[a-z0-9-]+$/, ''))
      .filter((name) => name !== '');
    if (names.length > 0) groups.push(names);
  }
  return groups;
}

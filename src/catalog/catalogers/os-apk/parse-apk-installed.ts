/**
 * Parser for apk's installed database (/lib/apk/db/installed): one package
 * per blank-line-separated block of `X:value` lines, where X is a one-letter
 * field key (apk-tools' "adb v2" text format). File lines repeat inside a
 * block: F names a directory, each R after it a file in that directory.
 */

export interface ApkEntry {
  readonly name: string;
  readonly version: string;
  readonly arch?: string;
  readonly origin?: string;
  readonly license?: string;
  readonly maintainer?: string;
  /** Unix seconds. */
  readonly buildTime?: number;
  readonly commit?: string;
  readonly checksum?: string;
  readonly url?: string;
  readonly size?: number;
  readonly installedSize?: number;
  /** `D:` tokens as written: 'so:libc.musl-x86_64.so.1', 'busybox=1.36.1-r15', '!conflict'. */
  readonly depends: readonly string[];
  /** `p:` tokens as written: 'cmd:sh=1.36.1-r15', '/bin/sh'. */
  readonly provides: readonly string[];
  /** Installed files, absolute ('/usr/lib/libssl.so.3'), from the F/R lines. */
  readonly files: readonly string[];
  readonly line: number;
}

export interface ApkProblem {
  readonly line: number;
  readonly message: string;
}

export interface ApkDatabase {
  readonly entries: readonly ApkEntry[];
  readonly problems: readonly ApkProblem[];
}

const LINE = /^([A-Za-z]):(.*)$/;
const MAX_FILES_PER_PACKAGE = 200_000;

export function parseApkInstalled(text: string): ApkDatabase {
  const entries: ApkEntry[] = [];
  const problems: ApkProblem[] = [];
  let fields = new Map<string, string>();
  let files: string[] = [];
  let dir = '';
  let start = 0;
  let broken: ApkProblem | undefined;

  const flush = (): void => {
    if (broken) problems.push(broken);
    else if (fields.size > 0) {
      const entry = toEntry(fields, files, start);
      if (typeof entry === 'string') problems.push({ line: start, message: entry });
      else entries.push(entry);
    }
    fields = new Map();
    files = [];
    dir = '';
    broken = undefined;
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (fields.size === 0 && broken === undefined) start = i + 1;
    const match = LINE.exec(line);
    if (!match) {
      broken ??= { line: i + 1, message: `not an "X:value" line: ${JSON.stringify(line.slice(0, 60))}` };
      continue;
    }
    const key = match[1] as string;
    if (key === 'F') dir = match[2] as string;
    else if (key === 'R' && files.length < MAX_FILES_PER_PACKAGE) files.push(`/${dir ? `${dir}/` : ''}${match[2] as string}`);
    // The first P/V/... of a block wins; only file lines repeat legitimately.
    if (!fields.has(key)) fields.set(key, match[2] as string);
  }
  flush();
  return { entries, problems };
}

function toEntry(fields: ReadonlyMap<string, string>, files: readonly string[], line: number): ApkEntry | string {
  const get = (key: string): string | undefined => {
    const value = fields.get(key)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const name = get('P');
  if (name === undefined) return 'package block has no P: (name) line';
  const version = get('V');
  if (version === undefined) return `package ${name} has no V: (version) line`;
  const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
    value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
  return {
    name,
    version,
    ...optional('arch', get('A')),
    ...optional('origin', get('o')),
    ...optional('license', get('L')),
    ...optional('maintainer', get('m')),
    ...optional('buildTime', integer(get('t'))),
    ...optional('commit', get('c')),
    ...optional('checksum', get('C')),
    ...optional('url', get('U')),
    ...optional('size', integer(get('S'))),
    ...optional('installedSize', integer(get('I'))),
    depends: tokens(get('D')),
    provides: tokens(get('p')),
    files,
    line,
  };
}

function integer(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

function tokens(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(/\s+/).filter(Boolean);
}

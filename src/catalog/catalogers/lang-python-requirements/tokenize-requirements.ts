/**
 * A tokenizer for pip requirements files. It keeps exact pins only
 * ('name==1.2.3', 'name===1.2.3', with optional extras, markers and hashes)
 * and the targets of '-r' includes; ranges, URLs, editable installs and other
 * options are not versions a scanner can use and are skipped without noise.
 */
export interface PinnedRequirement {
  readonly name: string;
  readonly version: string;
  /** 1-based line where the requirement starts. */
  readonly line: number;
  readonly marker?: string;
}

export interface RequirementsFile {
  readonly pins: readonly PinnedRequirement[];
  readonly includes: readonly string[];
}

const MAX_LOGICAL_LINE = 64 * 1024;
const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]{0,1000}\])?\s*/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+!_-]*$/;

export function tokenizeRequirements(text: string): RequirementsFile {
  const pins: PinnedRequirement[] = [];
  const includes: string[] = [];
  const physical = text.split(/\r?\n/);
  for (let i = 0; i < physical.length; i++) {
    const start = i;
    let logical = physical[i] ?? '';
    // A trailing backslash continues the line (pip joins them before parsing).
    while (logical.endsWith('\\') && i + 1 < physical.length && logical.length <= MAX_LOGICAL_LINE) {
      logical = `${logical.slice(0, -1)} ${physical[++i] ?? ''}`;
    }
    if (logical.length > MAX_LOGICAL_LINE) continue;
    const line = stripComment(logical).trim();
    if (line === '') continue;
    if (line.startsWith('-')) {
      const include = /^(?:-r|--requirement)(?:\s+|=)(\S+)/.exec(line) ?? /^-r(\S+)/.exec(line);
      if (include?.[1] !== undefined) includes.push(include[1]);
      continue;
    }
    const pin = parsePin(line);
    if (pin !== undefined) pins.push({ ...pin, line: start + 1 });
  }
  return { pins, includes };
}

/** pip treats '#' as a comment at the start of a line or after whitespace. */
function stripComment(line: string): string {
  const match = /(^|\s)#/.exec(line);
  return match === null ? line : line.slice(0, match.index);
}

function parsePin(line: string): Omit<PinnedRequirement, 'line'> | undefined {
  const name = NAME.exec(line);
  if (name?.[1] === undefined) return undefined;
  let rest = line.slice(name[0].length);
  let marker: string | undefined;
  const semicolon = rest.indexOf(';');
  if (semicolon >= 0) {
    marker = rest.slice(semicolon + 1).replace(/\s--\S.*$/, '').trim();
    rest = rest.slice(0, semicolon);
  }
  // Per-requirement options such as --hash=sha256:….
  rest = rest.replace(/(?:^|\s)--\S.*$/, '').trim();
  const spec = /^\(?\s*(===?)\s*([^\s,;()]+)\s*\)?$/.exec(rest);
  if (spec?.[2] === undefined) return undefined;
  const version = spec[2];
  if (!VERSION.test(version) || version.includes('*')) return undefined;
  return { name: name[1], version, ...(marker !== undefined && marker !== '' ? { marker } : {}) };
}

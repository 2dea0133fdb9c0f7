/**
 * deb822 control-file parser (dpkg status, status.d entries, DEP-5 copyright
 * files): paragraphs separated by blank lines, `Field: value` lines, and
 * continuation lines that start with a space or tab. Field names are
 * case-insensitive, so they are stored lower-cased. A malformed line makes
 * its paragraph invalid rather than failing the whole file, so one bad entry
 * does not hide every other package.
 */

export interface Deb822Paragraph {
  /** Lower-cased field name → value; continuation lines joined with '\n'. */
  readonly fields: ReadonlyMap<string, string>;
  /** 1-based line where the paragraph starts. */
  readonly line: number;
}

export interface Deb822Problem {
  readonly line: number;
  readonly message: string;
}

export interface Deb822Document {
  readonly paragraphs: readonly Deb822Paragraph[];
  /** Paragraphs dropped because of a malformed line. */
  readonly problems: readonly Deb822Problem[];
}

const FIELD = /^([!-9;-~][!-9;-~]*)[ \t]*:(.*)$/;
const CR = 0x0d;
const HASH = 0x23;
const SPACE = 0x20;
const TAB = 0x09;

export interface Deb822Options {
  /**
   * False: a field's value is its first line only; continuation lines are
   * still checked (one without a field breaks its paragraph) but not kept.
   * A copyright file's License fields carry whole license texts, of which
   * only the first line (the license names) is wanted.
   */
  readonly continuations?: boolean;
}

/**
 * Lines are walked by index in the text rather than split into strings: a
 * status file or a copyright file with full license texts has tens of
 * thousands of lines, most of them continuation lines that only need their
 * first characters looked at. A line is cut out only when its content is kept.
 */
export function parseDeb822(text: string, options: Deb822Options = {}): Deb822Document {
  const continuations = options.continuations !== false;
  const paragraphs: Deb822Paragraph[] = [];
  const problems: Deb822Problem[] = [];
  let fields = new Map<string, string>();
  let start = 0;
  let current: string | undefined;
  let broken: Deb822Problem | undefined;

  const flush = (): void => {
    if (broken) problems.push(broken);
    else if (fields.size > 0) paragraphs.push({ fields, line: start });
    fields = new Map();
    current = undefined;
    broken = undefined;
  };

  let lineNo = 0;
  // One more line than newlines, as text.split('\n') gives: the last one may be empty.
  for (let from = 0; from <= text.length; ) {
    let end = text.indexOf('\n', from);
    if (end < 0) end = text.length;
    const next = end + 1;
    lineNo++;
    // The line is text[from, stop): without its newline and one trailing carriage return.
    const stop = end > from && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (isBlank(text, from, stop)) {
      flush();
      from = next;
      continue;
    }
    if (fields.size === 0 && current === undefined && broken === undefined) start = lineNo;
    const first = text.charCodeAt(from);
    if (first === HASH) {
      from = next;
      continue;
    }
    if (first === SPACE || first === TAB) {
      if (current === undefined) broken ??= { line: lineNo, message: 'continuation line without a field' };
      else if (continuations) fields.set(current, `${fields.get(current) ?? ''}\n${text.slice(from, stop)}`);
      from = next;
      continue;
    }
    const line = text.slice(from, stop);
    from = next;
    const match = FIELD.exec(line);
    if (!match) {
      broken ??= { line: lineNo, message: `not a "Field: value" line: ${JSON.stringify(line.slice(0, 60))}` };
      continue;
    }
    current = (match[1] as string).toLowerCase();
    fields.set(current, (match[2] as string).trim());
  }
  flush();
  return { paragraphs, problems };
}

/**
 * text.slice(from, stop).trim() === '' without cutting the line out: a
 * printable ASCII character after the leading spaces and tabs settles it;
 * anything else (a Unicode space, a control character) asks trim() itself.
 */
function isBlank(text: string, from: number, stop: number): boolean {
  let i = from;
  while (i < stop && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
  if (i === stop) return true;
  const c = text.charCodeAt(i);
  return c > 0x20 && c < 0x7f ? false : text.slice(from, stop).trim() === '';
}

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

export function parseDeb822(text: string): Deb822Document {
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

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    const lineNo = i + 1;
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (fields.size === 0 && current === undefined && broken === undefined) start = lineNo;
    if (line.startsWith('#')) continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current === undefined) {
        broken ??= { line: lineNo, message: 'continuation line without a field' };
        continue;
      }
      fields.set(current, `${fields.get(current) ?? ''}\n${line}`);
      continue;
    }
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

/**
 * Licenses from a Debian copyright file. Only machine-readable (DEP-5) files
 * are trusted: their `License:` fields start with a short name. A DEP-5 file
 * also points at the full text of licenses it cites under
 * /usr/share/common-licenses/, which names them too. Free-form copyright
 * files are prose; guessing names from them gives wrong answers.
 */
import { parseDeb822 } from './parse-deb822.js';

const COMMON_LICENSE_REF = /\/usr\/share\/common-licenses\/([A-Za-z0-9][A-Za-z0-9+._-]*[A-Za-z0-9+])/g;

/** Not license names: DEP-5 uses them for "no license statement". */
const NOT_A_LICENSE = new Set(['none', 'unknown']);

export function parseCopyrightLicenses(text: string): string[] {
  const { paragraphs } = parseDeb822(text);
  const header = paragraphs[0];
  if (header === undefined || !header.fields.has('format')) return [];
  const names = new Set<string>();
  for (const paragraph of paragraphs) {
    const license = paragraph.fields.get('license');
    if (license === undefined) continue;
    const synopsis = license.split('\n', 1)[0]?.trim() ?? '';
    // The synopsis is an expression: 'GPL-2+ or Artistic', 'MIT and BSD-3-clause'.
    for (const name of synopsis.split(/(?:\s*,)?\s+(?:or|and)\s+|\s*,\s*/i)) {
      const trimmed = name.trim();
      if (trimmed !== '' && !NOT_A_LICENSE.has(trimmed.toLowerCase())) names.add(trimmed);
    }
  }
  for (const match of text.matchAll(COMMON_LICENSE_REF)) names.add(match[1] as string);
  return [...names];
}

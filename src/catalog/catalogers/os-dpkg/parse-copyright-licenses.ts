/**
 * Licenses from a Debian copyright file. Only machine-readable (DEP-5) files
 * are trusted: their `License:` fields start with a short name. A DEP-5 file
 * also points at the full text of licenses it cites under
 * /usr/share/common-licenses/, which names them too. Free-form copyright
 * files are prose; guessing names from them gives wrong answers.
 */
import { parseDeb822 } from './parse-deb822.js';

const COMMON_LICENSES = '/usr/share/common-licenses/';
/** A license name right after COMMON_LICENSES (sticky: tried only where indexOf found that prefix). */
const COMMON_LICENSE_NAME = /[A-Za-z0-9][A-Za-z0-9+._-]*[A-Za-z0-9+]/y;

/** Not license names: DEP-5 uses them for "no license statement". */
const NOT_A_LICENSE = new Set(['none', 'unknown']);

export function parseCopyrightLicenses(text: string): string[] {
  // Only a License field's first line (its synopsis) is read: the license texts below it are not kept.
  const { paragraphs } = parseDeb822(text, { continuations: false });
  const header = paragraphs[0];
  if (header === undefined || !header.fields.has('format')) return [];
  const names = new Set<string>();
  for (const paragraph of paragraphs) {
    const license = paragraph.fields.get('license');
    if (license === undefined) continue;
    const synopsis = license.trim();
    // The synopsis is an expression: 'GPL-2+ or Artistic', 'MIT and BSD-3-clause'.
    for (const name of synopsis.split(/(?:\s*,)?\s+(?:or|and)\s+|\s*,\s*/i)) {
      const trimmed = name.trim();
      if (trimmed !== '' && !NOT_A_LICENSE.has(trimmed.toLowerCase())) names.add(trimmed);
    }
  }
  // The same matches as a global /\/usr\/share\/common-licenses\/(name)/ scan, which tries every position
  // of a text that is mostly license prose; indexOf jumps to the few places the prefix occurs.
  for (let at = text.indexOf(COMMON_LICENSES); at >= 0; ) {
    COMMON_LICENSE_NAME.lastIndex = at + COMMON_LICENSES.length;
    const match = COMMON_LICENSE_NAME.exec(text);
    if (match) names.add(match[0]);
    at = text.indexOf(COMMON_LICENSES, match ? COMMON_LICENSE_NAME.lastIndex : at + 1);
  }
  return [...names];
}

/**
 * Reads the main section of a JAR manifest (META-INF/MANIFEST.MF): `Name: value`
 * headers up to the first blank line, with 72-byte continuation lines (a line
 * starting with one space continues the previous value). Keys are lower-cased.
 */
export function parseManifestMainSection(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (out.size > 0) break;
      continue;
    }
    if (line.startsWith(' ')) {
      if (last !== undefined) out.set(last, (out.get(last) ?? '') + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    out.set(last, line.slice(colon + 1).trim());
  }
  return out;
}

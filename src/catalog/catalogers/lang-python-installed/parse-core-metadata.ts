/**
 * Core metadata (METADATA, PKG-INFO): RFC 822-style headers up to the first
 * blank line, continuation lines starting with whitespace, repeated fields
 * (Classifier, Requires-Dist) kept in order. The body (the long description)
 * is not read.
 */
export type CoreMetadata = ReadonlyMap<string, readonly string[]>;

const MAX_HEADERS = 10_000;

export function parseCoreMetadata(text: string): CoreMetadata {
  const fields = new Map<string, string[]>();
  let last: { key: string; index: number } | undefined;
  let count = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') break;
    if (/^[ \t]/.test(line)) {
      // A folded continuation of the previous header.
      if (last !== undefined) {
        const values = fields.get(last.key);
        if (values !== undefined) values[last.index] = `${values[last.index] ?? ''}\n${line.trim()}`;
      }
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (++count > MAX_HEADERS) break;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const values = fields.get(key) ?? [];
    values.push(value);
    fields.set(key, values);
    last = { key, index: values.length - 1 };
  }
  return fields;
}

export function firstField(meta: CoreMetadata, key: string): string | undefined {
  const value = meta.get(key.toLowerCase())?.[0]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Declared licenses, most precise first: License-Expression (PEP 639), else a
 * short License field, else the names of "License ::" classifiers.
 */
export function licensesOf(meta: CoreMetadata): string[] {
  const expression = firstField(meta, 'License-Expression');
  if (expression !== undefined) return [expression];
  const license = firstField(meta, 'License');
  if (license !== undefined && !/^unknown$/i.test(license) && !license.includes('\n') && license.length <= 200) {
    return [license];
  }
  const fromClassifiers: string[] = [];
  for (const classifier of meta.get('classifier') ?? []) {
    const parts = classifier.split('::').map((p) => p.trim());
    if (parts[0] !== 'License' || parts.length < 2) continue;
    const name = parts[parts.length - 1] ?? '';
    if (name !== '' && name !== 'OSI Approved' && !fromClassifiers.includes(name)) fromClassifiers.push(name);
  }
  return fromClassifiers;
}

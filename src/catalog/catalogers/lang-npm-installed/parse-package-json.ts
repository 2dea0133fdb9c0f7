import { z } from 'zod';
import { isJsonObject } from '../../../domain/json-object.js';
import { parseJsonText, validate } from '../lang-shared/index.js';

const MAX_CHARS = 4 * 1024 * 1024;

export const licenseValue = z.union([z.string(), z.looseObject({ type: z.string() })]);

/** Every field is read as unknown and checked where used: any JSON object is a manifest. */
export const manifest = z.looseObject({
  name: z.unknown().optional(),
  version: z.unknown().optional(),
  license: z.unknown().optional(),
  licenses: z.unknown().optional(),
  dependencies: z.unknown().optional(),
  optionalDependencies: z.unknown().optional(),
  peerDependencies: z.unknown().optional(),
});

export interface InstalledManifest {
  readonly name: string;
  readonly version: string;
  readonly licenses: readonly string[];
  /** Names this package requires at run time (dependencies, optional and peer). */
  readonly requires: readonly string[];
}

/** What licenseValue accepts, without zod's copy of the object (zod judges whatever this does not pass). */
export function licenseValueText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isJsonObject(value) && typeof value['type'] === 'string') return value['type'];
  const parsed = licenseValue.safeParse(value);
  if (!parsed.success) return undefined;
  return typeof parsed.data === 'string' ? parsed.data : parsed.data.type;
}

function licenseText(value: unknown): string | undefined {
  const text = licenseValueText(value);
  if (text === undefined) return undefined;
  return text.trim() === '' ? undefined : text.trim();
}

function namesOf(value: unknown): string[] {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
}

/**
 * An installed package.json, or undefined when the file is not a package
 * (no name or no version, as in nested manifests that only set "type").
 */
export function parsePackageJson(text: string): InstalledManifest | undefined {
  const doc = validate(manifest, parseJsonText(text, MAX_CHARS), 'package.json', isJsonObject);
  if (typeof doc.name !== 'string' || typeof doc.version !== 'string') return undefined;
  const name = doc.name.trim();
  const version = doc.version.trim();
  if (name === '' || version === '') return undefined;
  const licenses: string[] = [];
  const single = licenseText(doc.license);
  if (single !== undefined) licenses.push(single);
  // The deprecated "licenses" array: [{type, url}] or plain strings.
  if (Array.isArray(doc.licenses)) {
    for (const item of doc.licenses.slice(0, 32)) {
      const text = licenseText(item);
      if (text !== undefined && !licenses.includes(text)) licenses.push(text);
    }
  }
  const requires = [
    ...new Set([...namesOf(doc.dependencies), ...namesOf(doc.optionalDependencies), ...namesOf(doc.peerDependencies)]),
  ];
  return { name, version, licenses, requires };
}

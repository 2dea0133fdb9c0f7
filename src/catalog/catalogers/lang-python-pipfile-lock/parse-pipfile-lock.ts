import { z } from 'zod';
import type { FileEntry } from '../../../image/file-tree.js';
import type { CatalogResult, PackageDraft } from '../../cataloger.js';
import { locationOf, parseJsonText, validate } from '../lang-shared/index.js';
import { pypiPackageDraft } from '../lang-python/index.js';

const MAX_CHARS = 32 * 1024 * 1024;

const section = z.record(z.string(), z.unknown()).optional();
const lockSchema = z.looseObject({ default: section, develop: section });
const entrySchema = z.looseObject({ version: z.string().optional() });

/**
 * Pipfile.lock: "default" holds production packages, "develop" the dev ones.
 * Versions are pins ("==2.1.1"); entries without one (VCS, editable) are skipped.
 */
export function parsePipfileLock(text: string, file: FileEntry): CatalogResult {
  if (text.trim() === '') return { packages: [] };
  const doc = validate(lockSchema, parseJsonText(text, MAX_CHARS), 'Pipfile.lock');
  const location = locationOf(file);
  const packages: PackageDraft[] = [];
  for (const [group, entries] of [['default', doc.default], ['develop', doc.develop]] as const) {
    for (const [name, raw] of Object.entries(entries ?? {})) {
      const entry = entrySchema.safeParse(raw);
      const pin = entry.success ? entry.data.version : undefined;
      if (pin === undefined) continue;
      const version = pin.replace(/^={2,3}/, '').trim();
      if (version === '' || /[<>~!*,]/.test(version)) continue;
      packages.push(pypiPackageDraft({ name, version, location, ...(group === 'develop' ? { scope: 'dev' as const } : {}) }));
    }
  }
  return { packages };
}

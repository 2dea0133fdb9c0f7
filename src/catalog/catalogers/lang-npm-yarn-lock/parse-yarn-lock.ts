import { z } from 'zod';
import type { FileEntry } from '../../../image/file-tree.js';
import type { CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { locationOf, parseYamlText, validate } from '../lang-shared/index.js';
import { npmPackageDraft } from '../lang-npm/index.js';
import { aliasTarget, descriptorName } from './descriptor-name.js';
import { tokenizeYarnV1 } from './tokenize-yarn-v1.js';

const MAX_CHARS = 64 * 1024 * 1024;

interface LockEntry {
  readonly key: string;
  readonly name: string;
  readonly version: string;
  readonly descriptors: readonly string[];
  readonly dependencies: Readonly<Record<string, string>>;
  readonly metadata: Record<string, string>;
}

/** yarn.lock in either the classic v1 format or the berry (v2+) YAML format with __metadata. */
export function parseYarnLock(text: string, file: FileEntry): CatalogResult {
  if (text.length > MAX_CHARS) throw new Error(`yarn.lock of ${text.length} characters exceeds the ${MAX_CHARS} limit`);
  const berry = /^__metadata:\s*$/m.test(text);
  const entries = berry ? berryEntries(text) : classicEntries(text);
  const location = locationOf(file);
  const byDescriptor = new Map<string, string>();
  for (const e of entries) for (const d of e.descriptors) byDescriptor.set(d, e.key);
  const packages: PackageDraft[] = entries.map((e) =>
    npmPackageDraft({ name: e.name, version: e.version, location, key: e.key, metadata: e.metadata }),
  );
  const relationships: RelationshipDraft[] = [];
  for (const e of entries) {
    for (const [dep, range] of Object.entries(e.dependencies)) {
      const target = byDescriptor.get(`${dep}@${range}`) ?? byDescriptor.get(`${dep}@npm:${range}`);
      if (target !== undefined && target !== e.key) relationships.push({ from: e.key, to: target, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}

function classicEntries(text: string): LockEntry[] {
  const out: LockEntry[] = [];
  for (const block of tokenizeYarnV1(text)) {
    const version = block.fields.version;
    const first = block.descriptors[0];
    if (version === undefined || first === undefined) continue;
    const { name, range } = descriptorName(first);
    const real = aliasTarget(range) ?? name;
    const resolved = block.fields.resolved;
    out.push({
      key: `${block.line}`,
      name: real,
      version,
      descriptors: block.descriptors,
      dependencies: { ...block.maps.optionalDependencies, ...block.maps.dependencies },
      metadata: resolved !== undefined ? { resolved } : {},
    });
  }
  return out;
}

const berryEntry = z.looseObject({
  version: z.union([z.string(), z.number()]).optional(),
  resolution: z.string().optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
  optionalDependencies: z.record(z.string(), z.unknown()).optional(),
});

function berryEntries(text: string): LockEntry[] {
  const doc = validate(z.record(z.string(), z.unknown()), parseYamlText(text, MAX_CHARS) ?? {}, 'yarn.lock');
  const out: LockEntry[] = [];
  for (const [header, raw] of Object.entries(doc)) {
    if (header === '__metadata') continue;
    const parsed = berryEntry.safeParse(raw);
    if (!parsed.success || parsed.data.version === undefined) continue;
    const resolution = parsed.data.resolution ?? header.split(',')[0]?.trim() ?? header;
    // The project's own root workspace is not a dependency.
    if (/@workspace:\.$/.test(resolution)) continue;
    const { name, range } = descriptorName(resolution);
    const deps: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...parsed.data.optionalDependencies, ...parsed.data.dependencies })) {
      if (typeof v === 'string') deps[k] = v;
    }
    out.push({
      key: header,
      name: aliasTarget(range) ?? name,
      version: String(parsed.data.version),
      descriptors: header.split(',').map((d) => d.trim()),
      dependencies: deps,
      metadata: { resolution },
    });
  }
  return out;
}

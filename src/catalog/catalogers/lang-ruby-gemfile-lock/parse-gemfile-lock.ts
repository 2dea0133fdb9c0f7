import type { FileEntry } from '../../../image/file-tree.js';
import type { CatalogResult, PackageDraft, RelationshipDraft } from '../../cataloger.js';
import { locationOf } from '../lang-shared/index.js';
import { gemPackageDraft } from '../lang-ruby/index.js';

const MAX_CHARS = 16 * 1024 * 1024;
const SOURCE_SECTIONS = new Set(['GEM', 'GIT', 'PATH', 'PLUGIN SOURCE']);

interface Spec {
  readonly key: string;
  readonly name: string;
  readonly version: string;
  readonly platform?: string;
  readonly section: string;
  readonly revision?: string;
  readonly deps: string[];
}

/**
 * Gemfile.lock: the specs of every source section (GEM, GIT, PATH, PLUGIN
 * SOURCE), 4-space "name (version[-platform])" lines with 6-space dependency
 * lines below them, and the Bundler version from BUNDLED WITH.
 */
export function parseGemfileLock(text: string, file: FileEntry): CatalogResult {
  if (text.length > MAX_CHARS) throw new Error(`Gemfile.lock of ${text.length} characters exceeds the ${MAX_CHARS} limit`);
  const specs: Spec[] = [];
  let section = '';
  let inSpecs = false;
  let revision: string | undefined;
  let bundler: { version: string; line: number } | undefined;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] ?? '';
    if (line.trim() === '') continue;
    if (!line.startsWith(' ')) {
      section = line.trim();
      inSpecs = false;
      revision = undefined;
      continue;
    }
    if (section === 'BUNDLED WITH') {
      const v = line.trim();
      if (/^\d+(?:\.[0-9A-Za-z]+)*$/.test(v)) bundler = { version: v, line: n + 1 };
      continue;
    }
    if (!SOURCE_SECTIONS.has(section)) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 2) {
      const field = /^ {2}(\w+):\s*(.*)$/.exec(line);
      if (field?.[1] === 'specs') inSpecs = true;
      else if (field?.[1] === 'revision') revision = field[2]?.trim();
      continue;
    }
    if (!inSpecs) continue;
    const spec = /^\s+([^\s(]+)(?:\s+\(([^)]*)\))?\s*$/.exec(line);
    if (spec?.[1] === undefined) continue;
    if (indent === 4 && spec[2] !== undefined) {
      const { version, platform } = splitPlatform(spec[2].trim());
      specs.push({
        key: `${n + 1}`,
        name: spec[1],
        version,
        ...(platform !== undefined ? { platform } : {}),
        section,
        ...(revision !== undefined ? { revision } : {}),
        deps: [],
      });
    } else if (indent === 6) {
      specs[specs.length - 1]?.deps.push(spec[1]);
    }
  }
  const location = locationOf(file);
  const packages: PackageDraft[] = specs.map((s) =>
    gemPackageDraft({
      name: s.name,
      version: s.version,
      location,
      key: s.key,
      ...(s.platform !== undefined ? { platform: s.platform } : {}),
      metadata: { source: s.section.toLowerCase(), ...(s.revision !== undefined ? { commit: s.revision } : {}) },
    }),
  );
  // Bundler itself runs the application, so the version that wrote the lockfile is a dependency too.
  if (bundler !== undefined && !specs.some((s) => s.name === 'bundler')) {
    packages.push(gemPackageDraft({ name: 'bundler', version: bundler.version, location, key: 'bundled-with', metadata: { source: 'bundled-with' } }));
  }
  const byName = new Map(specs.map((s) => [s.name, s.key]));
  const relationships: RelationshipDraft[] = [];
  for (const s of specs) {
    for (const dep of new Set(s.deps)) {
      const to = byName.get(dep);
      if (to !== undefined && to !== s.key) relationships.push({ from: s.key, to, type: 'depends-on' });
    }
  }
  return { packages, relationships };
}

/** '1.13.3-x86_64-linux' → version 1.13.3, platform x86_64-linux (gem versions never contain '-'). */
function splitPlatform(raw: string): { version: string; platform?: string } {
  const dash = raw.indexOf('-');
  return dash > 0 ? { version: raw.slice(0, dash), platform: raw.slice(dash + 1) } : { version: raw };
}

/**
 * Finds the Debian mirror this machine's apt already uses, so that debootstrap
 * fetches from the same place as `apt-get` (and from nowhere else).
 * BULKHEAD_TEST_DEBIAN_MIRROR overrides it.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface AptSource {
  readonly types: readonly string[];
  readonly uris: readonly string[];
  readonly suites: readonly string[];
  readonly components: readonly string[];
}

export async function debianMirror(suite: string, aptDir = '/etc/apt'): Promise<string> {
  const override = process.env.BULKHEAD_TEST_DEBIAN_MIRROR;
  if (override) return override;
  const sources = await readAptSources(aptDir);
  const match = sources.find(
    (source) => source.types.includes('deb') && source.suites.includes(suite) && source.components.includes('main'),
  );
  const uri = match?.uris[0];
  if (!uri) {
    throw new Error(
      `no apt source for suite '${suite}' (component main) in ${aptDir}/sources.list(.d); set BULKHEAD_TEST_DEBIAN_MIRROR`,
    );
  }
  return uri;
}

async function readAptSources(aptDir: string): Promise<AptSource[]> {
  const files: string[] = [path.join(aptDir, 'sources.list')];
  const dir = path.join(aptDir, 'sources.list.d');
  const entries = await readdir(dir).catch(() => [] as string[]);
  // apt itself ignores anything not named *.list or *.sources (e.g. '*.disabled').
  for (const name of entries.sort()) {
    if (name.endsWith('.list') || name.endsWith('.sources')) files.push(path.join(dir, name));
  }
  const sources: AptSource[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    sources.push(...(file.endsWith('.sources') ? parseDeb822(text) : parseOneLine(text)));
  }
  return sources;
}

function parseOneLine(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    // deb [arch=amd64 signed-by=…] URI suite component…
    const withoutOptions = line.replace(/\[[^\]]*\]\s*/, '');
    const [type, uri, suite, ...components] = withoutOptions.split(/\s+/);
    if (!type || !uri || !suite) continue;
    sources.push({ types: [type], uris: [uri], suites: [suite], components });
  }
  return sources;
}

function parseDeb822(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let key: string | undefined;
    for (const line of paragraph.split('\n')) {
      if (line.startsWith('#')) continue;
      const continued = /^\s/.test(line);
      if (continued && key) {
        fields.set(key, `${fields.get(key) ?? ''} ${line.trim()}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      key = line.slice(0, colon).trim().toLowerCase();
      fields.set(key, line.slice(colon + 1).trim());
    }
    if (fields.get('enabled')?.toLowerCase() === 'no') continue;
    const words = (name: string): string[] => (fields.get(name) ?? '').split(/\s+/).filter(Boolean);
    if (words('uris').length === 0) continue;
    sources.push({ types: words('types'), uris: words('uris'), suites: words('suites'), components: words('components') });
  }
  return sources;
}

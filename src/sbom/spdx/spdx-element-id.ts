import { createHash } from 'node:crypto';

/**
 * Hands out SPDX element ids (`SPDXRef-` + letters, digits, '.', '-') built
 * from arbitrary strings such as Package.id. Distinct inputs always get
 * distinct ids: a collision after sanitizing gets a hash suffix.
 */
export function createSpdxIdAllocator(prefix: string): (key: string) => string {
  const byKey = new Map<string, string>();
  const used = new Set<string>();
  return (key) => {
    const known = byKey.get(key);
    if (known !== undefined) return known;
    const safe = key.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'x';
    let id = `${prefix}${safe}`;
    if (used.has(id)) id = `${prefix}${safe}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
    for (let n = 2; used.has(id); n++) id = `${prefix}${safe}-${n}`;
    used.add(id);
    byKey.set(key, id);
    return id;
  };
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../domain/inventory.js';
import { inventorySchema } from './inventory-schema.js';
import { toInventoryJson } from './to-inventory-json.js';

const fixture = JSON.parse(readFileSync(new URL('../testdata/app-image.inventory.json', import.meta.url), 'utf8')) as Inventory;

describe('inventory JSON', () => {
  it('validates a full inventory and survives write → parse unchanged', () => {
    const parsed = inventorySchema.parse(fixture);
    expect(inventorySchema.parse(JSON.parse(toInventoryJson(parsed)))).toEqual(fixture);
  });

  it('writes the same bytes for the same inventory, two-space indented with a final newline', () => {
    const text = toInventoryJson(fixture);
    expect(toInventoryJson(structuredClone(fixture))).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "schema": "bulkhead.inventory/v1",');
  });

  it('keeps labels and metadata keys that are object property names', () => {
    const image = fixture.image;
    if (!image) throw new Error('fixture has an image');
    const odd = JSON.parse(
      toInventoryJson({ ...fixture, image: { ...image, config: { ...image.config, labels: JSON.parse('{"__proto__":"x","constructor":"y"}') } } }),
    );
    expect(Object.entries(inventorySchema.parse(odd).image?.config.labels ?? {})).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
  });

  it('accepts the example in docs/inventory-format.md', () => {
    const doc = readFileSync(new URL('../../../docs/inventory-format.md', import.meta.url), 'utf8');
    const block = /## Example\n\n```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    const example = inventorySchema.parse(JSON.parse(block ?? 'null'));
    const ids = new Set(example.packages.map((p) => p.id));
    expect(example.relationships.every((r) => ids.has(r.from) && ids.has(r.to))).toBe(true);
  });

  const mutate = (change: (inv: Record<string, unknown>) => void): unknown => {
    const copy = structuredClone(fixture) as unknown as Record<string, unknown>;
    change(copy);
    return copy;
  };
  const firstPackage = (inv: Record<string, unknown>): Record<string, unknown> =>
    (inv['packages'] as Record<string, unknown>[])[0] as Record<string, unknown>;

  it.each([
    ['another schema version', mutate((inv) => (inv['schema'] = 'bulkhead.inventory/v2'))],
    ['an unknown ecosystem', mutate((inv) => (firstPackage(inv)['ecosystem'] = 'cpan'))],
    ['a package without purl', mutate((inv) => delete firstPackage(inv)['purl'])],
    ['licenses that are not strings', mutate((inv) => (firstPackage(inv)['licenses'] = [{ id: 'MIT' }]))],
    ['an unknown scope', mutate((inv) => (firstPackage(inv)['scope'] = 'test'))],
    ['nested metadata', mutate((inv) => (firstPackage(inv)['metadata'] = { a: { b: 1 } }))],
    ['an unknown target kind', mutate((inv) => (inv['target'] = { kind: 'ftp', reference: 'x' }))],
    ['an unknown relationship type', mutate((inv) => (inv['relationships'] = [{ from: 'a', to: 'b', type: 'likes' }]))],
    ['a negative layer index', mutate((inv) => ((inv['image'] as { layers: { index: number }[] }).layers[0]!.index = -1))],
    ['another tool', mutate((inv) => (inv['tool'] = { name: 'syft', version: '1' }))],
    ['a name longer than any real one', mutate((inv) => (firstPackage(inv)['name'] = 'x'.repeat(70_000)))],
  ])('rejects %s', (_label, value) => {
    expect(inventorySchema.safeParse(value).success).toBe(false);
  });
});

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { inventorySchema } from '../sbom/inventory-json/inventory-schema.js';
import { cycloneDxPieces, inventoryJsonPieces, spdxPieces, toCycloneDx, toInventoryJson, toSpdx } from '../sbom/index.js';
import { writeOutput } from './output.js';

const inventory = inventorySchema.parse(
  JSON.parse(readFileSync(new URL('../sbom/testdata/app-image.inventory.json', import.meta.url), 'utf8')),
);
const cdx = { serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79', timestamp: new Date('2024-03-02T10:00:00Z') };
const spdx = { documentNamespace: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79', created: new Date('2024-03-02T10:00:00Z') };

const tempDir = (): string => mkdtempSync(path.join(tmpdir(), 'bulkhead-output-'));

describe('writeOutput to a file', () => {
  it.each([
    ['cyclonedx', () => cycloneDxPieces(inventory, cdx), () => toCycloneDx(inventory, cdx)],
    ['spdx', () => spdxPieces(inventory, spdx), () => toSpdx(inventory, spdx)],
    ['json', () => inventoryJsonPieces(inventory), () => toInventoryJson(inventory)],
  ])('writes the %s pieces as exactly the bytes of the string form', async (_format, pieces, text) => {
    const file = path.join(tempDir(), 'sbom.json');
    await writeOutput(pieces(), file);
    expect(readFileSync(file, 'utf8')).toBe(text());
  });

  it('streams more than a chunk of pieces in order', async () => {
    const lines = Array.from({ length: 20_000 }, (_, n) => `line ${n} ${'é'.repeat(n % 7)}\n`);
    const file = path.join(tempDir(), 'big.txt');
    await writeOutput(lines, file);
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
  });

  it('replaces the file only once the document is complete', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sbom.json');
    writeFileSync(file, 'previous\n');
    const seenDuringWrite: string[] = [];
    function* pieces(): Generator<string> {
      for (let n = 0; n < 5000; n++) {
        if (n % 1000 === 0) seenDuringWrite.push(readFileSync(file, 'utf8'));
        yield `piece ${n}\n`;
      }
    }
    await writeOutput(pieces(), file);
    expect(new Set(seenDuringWrite)).toEqual(new Set(['previous\n']));
    expect(readFileSync(file, 'utf8')).toMatch(/^piece 0\n[^]*piece 4999\n$/);
    expect(readdirSync(dir)).toEqual(['sbom.json']);
  });

  it('leaves the previous file and no temp file behind when the writer fails', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sbom.json');
    writeFileSync(file, 'previous\n');
    function* pieces(): Generator<string> {
      for (let n = 0; n < 10_000; n++) yield `piece ${n}\n`;
      throw new Error('inventory went bad');
    }
    await expect(writeOutput(pieces(), file)).rejects.toThrow('inventory went bad');
    expect(readFileSync(file, 'utf8')).toBe('previous\n');
    expect(readdirSync(dir)).toEqual(['sbom.json']);
  });

  it('leaves no temp file behind when the writer fails before the file is even open', async () => {
    const dir = tempDir();
    const failing: Iterable<string> = {
      [Symbol.iterator]: () => ({
        next: () => {
          throw new Error('inventory went bad at once');
        },
      }),
    };
    for (let n = 0; n < 20; n++) {
      await expect(writeOutput(failing, path.join(dir, 'sbom.json'))).rejects.toThrow('inventory went bad at once');
    }
    // A file opened after the clean-up would show up late.
    await sleep(100);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects with the file system error for a directory that does not exist', async () => {
    const file = path.join(tempDir(), 'missing', 'sbom.json');
    await expect(writeOutput(['{}\n'], file)).rejects.toThrow(/ENOENT/);
    await expect(writeOutput(Array.from({ length: 10_000 }, () => 'x'.repeat(100)), file)).rejects.toThrow(/ENOENT/);
  });

  it('ends the output with exactly one newline', async () => {
    const dir = tempDir();
    const cases: [string | string[], string][] = [
      ['text', 'text\n'],
      ['text\n', 'text\n'],
      ['', '\n'],
      [['a', 'b', ''], 'ab\n'],
      [['a\n', ''], 'a\n'],
      [[], '\n'],
    ];
    for (const [n, [input, expected]] of cases.entries()) {
      const file = path.join(dir, `out-${n}`);
      await writeOutput(input, file);
      expect(readFileSync(file, 'utf8')).toBe(expected);
    }
  });
});

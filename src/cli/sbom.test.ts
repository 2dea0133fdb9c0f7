/**
 * `bulkhead sbom` as a process writing a document larger than a pipe's
 * buffer: a reader that pauses still gets exactly the document `-o` writes,
 * a reader that goes away ends the command with one line and exit 2, and a
 * file that cannot be created is one line and no file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(new URL('../..', import.meta.url).pathname);
const nodeArgs = ['--import', 'tsx', path.join(root, 'src/cli/main.ts')];
const PACKAGES = 4000;

let dir: string;
let input: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-sbom-cli-'));
  input = path.join(dir, 'input.cdx.json');
  // An SBOM target with thousands of packages: the written document is several MB.
  const components = Array.from({ length: PACKAGES }, (_, n) => ({
    type: 'library',
    'bom-ref': `ref-${n}`,
    name: `package-${n}`,
    version: `1.${n}.0`,
    purl: `pkg:npm/package-${n}@1.${n}.0`,
    licenses: [{ license: { id: 'MIT' } }],
  }));
  writeFileSync(input, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components }));
});

/** serialNumber, timestamps and namespaces differ per run; everything else must not. */
function withoutRunFields(text: string): string {
  return text.replace(/"(serialNumber|timestamp|documentNamespace|created|createdAt)": "[^"]*"/g, '"$1": ""');
}

describe('bulkhead sbom', { timeout: 120_000 }, () => {
  it.each(['cyclonedx', 'spdx', 'json'])('writes the same %s document to a slowly read pipe as to -o', async (format) => {
    const file = path.join(dir, `out.${format}`);
    const written = spawnSync(process.execPath, [...nodeArgs, 'sbom', `sbom:${input}`, '--format', format, '-o', file], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(written.status, written.stderr).toBe(0);
    const expected = readFileSync(file, 'utf8');
    expect(expected.length).toBeGreaterThan(1 << 20);

    const child = spawn(process.execPath, [...nodeArgs, 'sbom', `sbom:${input}`, '--format', format], { cwd: root });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // Stop reading: the pipe fills and the writer has to wait for us.
      child.stdout.pause();
      void sleep(500).then(() => {
        child.stdout.on('data', (more: Buffer) => chunks.push(more));
        child.stdout.resume();
      });
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status, stderr).toBe(0);
    expect(stderr).toBe('');
    const streamed = Buffer.concat(chunks).toString('utf8');
    expect(withoutRunFields(streamed)).toBe(withoutRunFields(expected));
    const names = format === 'spdx' ? (JSON.parse(streamed) as { packages: unknown[] }).packages : undefined;
    if (names !== undefined) expect(names).toHaveLength(PACKAGES + 1);
  });

  it('stops with one line and exit 2 when the reader goes away', async () => {
    const child = spawn(process.execPath, [...nodeArgs, 'sbom', `sbom:${input}`], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(2);
    expect(stderr).toMatch(/^bulkhead: .*EPIPE.*\n$/);
  });

  it('stops with one line and exit 2, leaving no file, when -o cannot be created', () => {
    const file = path.join(dir, 'missing', 'out.json');
    const r = spawnSync(process.execPath, [...nodeArgs, 'sbom', `sbom:${input}`, '-o', file], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^bulkhead: no such file or directory: [^\n]*\n$/);
    expect(existsSync(path.dirname(file))).toBe(false);
  });
});

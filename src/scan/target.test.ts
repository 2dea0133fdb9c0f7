import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../domain/errors.js';
import { parseTarget } from './target.js';

describe('parseTarget', () => {
  it('takes every transport prefix literally', async () => {
    expect(await parseTarget('docker-archive:/x/a.tar')).toEqual({ kind: 'docker-archive', value: '/x/a.tar' });
    expect(await parseTarget('oci-archive:a.tar')).toEqual({ kind: 'oci-archive', value: 'a.tar' });
    expect(await parseTarget('docker:debian:12')).toEqual({ kind: 'docker', value: 'debian:12' });
    expect(await parseTarget('registry:127.0.0.1:5000/app:1.0')).toEqual({ kind: 'registry', value: '127.0.0.1:5000/app:1.0' });
    expect(await parseTarget('dir:/')).toEqual({ kind: 'dir', value: '/' });
    expect(await parseTarget('sbom:bom.json')).toEqual({ kind: 'sbom', value: 'bom.json' });
  });

  it('splits oci:DIR:REF but keeps a path with colons intact', async () => {
    expect(await parseTarget('oci:layout:1.0')).toEqual({ kind: 'oci', value: 'layout', ref: '1.0' });
    expect(await parseTarget('oci:./layout')).toEqual({ kind: 'oci', value: './layout' });
    expect(await parseTarget('oci:/tmp/a:b/layout')).toEqual({ kind: 'oci', value: '/tmp/a:b/layout' });
  });

  it('recognizes bare paths by their content, as made by real tools', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-target-'));
    mkdirSync(path.join(dir, 'rootfs/etc'), { recursive: true });
    writeFileSync(path.join(dir, 'rootfs/etc/os-release'), 'ID=debian\n');
    mkdirSync(path.join(dir, 'layout'));
    writeFileSync(path.join(dir, 'layout/oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(path.join(dir, 'layout/index.json'), '{"schemaVersion":2,"manifests":[]}');
    writeFileSync(path.join(dir, 'manifest.json'), '[]');
    writeFileSync(path.join(dir, 'bom.json'), '{"bomFormat":"CycloneDX"}');
    execFileSync('tar', ['-C', path.join(dir, 'layout'), '-cf', path.join(dir, 'oci.tar'), 'oci-layout', 'index.json']);
    execFileSync('tar', ['-C', dir, '-cf', path.join(dir, 'docker.tar'), 'manifest.json']);
    expect((await parseTarget(path.join(dir, 'rootfs'))).kind).toBe('dir');
    expect((await parseTarget(path.join(dir, 'layout'))).kind).toBe('oci');
    expect((await parseTarget(path.join(dir, 'oci.tar'))).kind).toBe('oci-archive');
    expect((await parseTarget(path.join(dir, 'docker.tar'))).kind).toBe('docker-archive');
    expect((await parseTarget(path.join(dir, 'bom.json'))).kind).toBe('sbom');
    writeFileSync(path.join(dir, 'junk.bin'), Buffer.alloc(1024, 7));
    await expect(parseTarget(path.join(dir, 'junk.bin'))).rejects.toThrow(BadInputError);
  });

  it('treats a bare non-path as an image reference and rejects nonsense', async () => {
    expect(await parseTarget('debian:12')).toEqual({ kind: 'registry', value: 'debian:12' });
    await expect(parseTarget('')).rejects.toThrow(BadInputError);
    await expect(parseTarget('/definitely/not/here.tar')).rejects.toThrow(/no such file or directory/);
    await expect(parseTarget('docker-archive:')).rejects.toThrow(/nothing after/);
  });
});

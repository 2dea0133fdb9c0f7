import { chmodSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImageMetadata } from '../../domain/image.js';
import { readImage } from '../../image/read-image.js';
import { openDockerArchive } from '../../image/sources/docker-archive.js';
import { dockerArchive, makeTemp, tarDir, writeTree } from '../../image/testdata/make-archives.js';
import { IMAGE_CONFIG_CHECKS, imageAge, isRootUser } from './checks.js';
import type { ImageConfigCheck } from './image-config-check.js';
import { runImageConfigChecks } from './run-image-config-checks.js';

const temp = makeTemp();
afterAll(() => temp.cleanup());
const at = (name: string): string => path.join(temp.dir, name);

const rootfs = at('rootfs');
writeTree(rootfs, { 'usr/bin/passwd': 'x', 'usr/bin/wall': 'x', 'usr/bin/ls': 'x', 'opt/app/run': 'x' });
chmodSync(path.join(rootfs, 'usr/bin/passwd'), 0o4755);
chmodSync(path.join(rootfs, 'usr/bin/wall'), 0o2755);
chmodSync(path.join(rootfs, 'opt/app/run'), 0o6750);
const layer = tarDir(rootfs, at('l0.tar'));

async function load(config: Record<string, unknown>, tags: string[] = ['registry.example.com/app:1.0']) {
  const archive = dockerArchive(temp.dir, at(`image-${Math.random().toString(36).slice(2)}.tar`), { layers: [layer], tags, config });
  return readImage(await openDockerArchive(archive), { selects: () => false });
}
const ids = (findings: { id: string }[]): string[] => findings.map((f) => f.id).sort();

describe('image configuration checks', () => {
  it('flags a root image without healthcheck, with a remote ADD, an old date and latest tag', async () => {
    const { metadata, tree } = await load(
      {
        created: '2020-01-01T00:00:00Z',
        config: { User: '0:0' },
        history: [{ created_by: '/bin/sh -c #(nop) ADD https://example.com/tool.tgz /opt/ ' }, { created_by: 'ADD --chmod=755 https://example.com/x /x # buildkit' }],
      },
      ['registry.example.com/app:latest'],
    );
    const findings = runImageConfigChecks(
      { image: metadata, tree, reference: 'registry.example.com/app:latest', now: new Date('2026-01-01T00:00:00Z') },
      {
        'image-user-not-root': {},
        'image-healthcheck': {},
        'image-no-add-remote': {},
        'image-max-age': { maxDays: 90 },
        'image-no-latest-tag': {},
        'image-digest-pinned': {},
        'image-trusted-registry': { registries: ['registry.example.com'] },
      },
    );
    expect(ids(findings)).toEqual(['image-digest-pinned', 'image-healthcheck', 'image-max-age', 'image-no-add-remote', 'image-no-add-remote', 'image-no-latest-tag', 'image-user-not-root'].sort());
    expect(findings.find((f) => f.id === 'image-user-not-root')?.aliases).toEqual(['CIS-Docker-4.1']);
    expect(findings.find((f) => f.id === 'image-user-not-root')?.evidence.detail).toBe('USER is 0:0');
  });

  it('passes a hardened image', async () => {
    const { metadata } = await load({
      created: '2025-12-01T00:00:00Z',
      config: { User: 'app', Healthcheck: { Test: ['CMD', '/healthz'] }, Labels: { 'org.opencontainers.image.source': 'https://git.example.com/app' } },
      history: [{ created_by: 'COPY app /app # buildkit' }],
    });
    const findings = runImageConfigChecks(
      { image: metadata, reference: 'registry.example.com/app@sha256:' + 'a'.repeat(64), now: new Date('2026-01-01T00:00:00Z') },
      {
        'image-user-not-root': {},
        'image-healthcheck': {},
        'image-no-add-remote': {},
        'image-no-secrets': {},
        'image-max-age': { maxDays: 90 },
        'image-required-labels': { labels: { 'org.opencontainers.image.source': '^https://' } },
        'image-no-latest-tag': {},
        'image-digest-pinned': {},
        'image-trusted-registry': { registries: ['registry.example.com'] },
      },
    );
    expect(findings).toEqual([]);
  });

  it('reports setuid/setgid files as find(1) sees them, with their layer, minus the allow-list', async () => {
    const { tree, metadata } = await load({});
    const byFind = execFileSync('find', ['.', '-type', 'f', '-perm', '/6000'], { cwd: rootfs, encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((p) => p.slice(1))
      .sort();
    const all = runImageConfigChecks({ image: metadata, tree }, { 'image-setuid-files': {} });
    expect(all.map((f) => f.location?.path)).toEqual(byFind);
    expect(all.every((f) => f.location?.layer === metadata.layers[0]?.diffId)).toBe(true);
    const allowed = runImageConfigChecks({ image: metadata, tree }, { 'image-setuid-files': { allow: ['/usr/bin/*'] } });
    expect(allowed.map((f) => f.location?.path)).toEqual(['/opt/app/run']);
    expect(allowed[0]?.evidence.detail).toContain('setuid+setgid');
  });

  it('untrusted registry, missing label, HEALTHCHECK NONE', async () => {
    const { metadata } = await load({ config: { User: 'nobody', Healthcheck: { Test: ['NONE'] }, Labels: { version: 'x' } } }, ['debian:12', 'ghcr.io/org/app:2']);
    const findings = runImageConfigChecks(
      { image: metadata },
      { 'image-trusted-registry': { registries: ['ghcr.io'] }, 'image-required-labels': { labels: { owner: null, version: '^[0-9]' } }, 'image-healthcheck': {} },
    );
    expect(findings.map((f) => f.evidence.detail).sort()).toEqual(['HEALTHCHECK NONE disables the check', 'docker.io is not trusted', 'label owner is missing', 'label version="x" does not match /^[0-9]/'].sort());
  });

  it('delegates CIS 4.10 to the secret rules', async () => {
    const { metadata } = await load({ config: { Env: ['GITHUB_TOKEN=' + 'ghp_' + 'Zq8mR2vK7tLw4XnB9cYd3FhJ6pS1aG5eU0iO'] } });
    const findings = runImageConfigChecks({ image: metadata }, { 'image-no-secrets': {} });
    expect(findings.map((f) => [f.kind, f.id, f.aliases])).toEqual([['secret', 'github-pat', ['CIS-Docker-4.10']]]);
  });

  it('rejects bad parameters with the check id', async () => {
    const { metadata } = await load({});
    expect(() => runImageConfigChecks({ image: metadata }, { 'image-max-age': { maxDays: 'ten' } })).toThrow(/image-max-age: invalid parameters: maxDays/);
    expect(() => runImageConfigChecks({ image: metadata }, { 'image-trusted-registry': {} })).toThrow(/image-trusted-registry/);
    expect(imageAge.params.safeParse({ extra: 1 }).success).toBe(false);
  });

  it('runs every check with defaults when no params are given, skipping those that need parameters', async () => {
    const { metadata, tree } = await load({ config: { User: 'app' } }, []);
    const found = new Set(runImageConfigChecks({ image: metadata, tree }).map((f) => f.id));
    expect(found.has('image-trusted-registry')).toBe(false);
    expect(found.has('image-setuid-files')).toBe(true);
    expect((IMAGE_CONFIG_CHECKS as readonly ImageConfigCheck[]).filter((c) => c.cis).map((c) => c.cis)).toEqual(['4.1', '4.6', '4.9', '4.8', '4.10']);
  });

  it.each([
    [undefined, true],
    ['', true],
    ['root', true],
    ['0', true],
    ['root:root', true],
    ['00:1000', true],
    ['1000', false],
    ['app:app', false],
    ['10001:0', false],
  ])('USER %j is root: %s', (user, root) => {
    expect(isRootUser(user)).toBe(root);
  });
});

export type { ImageMetadata };

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImageMetadata } from '../../domain/image.js';
import { readImage } from '../../image/read-image.js';
import { openDockerArchive } from '../../image/sources/docker-archive.js';
import { dockerArchive, makeTemp, sha256File, tarDir, writeTree } from '../../image/testdata/make-archives.js';
import { createSecretScanner } from './secret-scanner.js';

const temp = makeTemp();
afterAll(() => temp.cleanup());
const at = (name: string): string => path.join(temp.dir, name);

// Built by concatenation so the repository holds no token-shaped literal.
const GITHUB = 'ghp_' + 'Zq8mR2vK7tLw4XnB9cYd3FhJ6pS1aG5eU0iO';
const KEY_BODY = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQAB';
const PRIVATE_KEY = `-----BEGIN RSA PRIVATE KEY-----\n${KEY_BODY.match(/.{1,64}/g)?.join('\n')}\n-----END RSA PRIVATE KEY-----\n`;

const base = at('l0');
writeTree(base, {
  'etc/app.conf': 'listen = 8080\n',
  'usr/share/doc/pkg/example.pem': PRIVATE_KEY,
  'usr/lib/x86_64-linux-gnu/libfoo.so.1': `token ${GITHUB}\n`,
  'usr/local/bin/tool': '',
  'opt/big.txt': `${'a'.repeat(2 * 1024 * 1024)}\n${GITHUB}\n`,
});
// A binary: a NUL byte early, a token later.
writeFileSync(path.join(base, 'usr/local/bin/tool'), Buffer.concat([Buffer.from('\x7fELF\0\0\0'), Buffer.from(`\n${GITHUB}\n`)]));
const added = at('l1');
writeTree(added, {
  'root/.ssh/id_rsa': PRIVATE_KEY,
  'app/.env': `# settings\nPORT=8080\nGITHUB_TOKEN=${GITHUB}\n`,
  'etc/app/settings': `Package: x\nDescription: ${GITHUB}\n`,
});
const removed = at('l2');
writeTree(removed, { 'root/.ssh/.wh.id_rsa': '', 'app/ok.txt': 'fine\n' });
const layers = [tarDir(base, at('l0.tar')), tarDir(added, at('l1.tar')), tarDir(removed, at('l2.tar'))];
const diffIds = layers.map(sha256File);
const archive = dockerArchive(temp.dir, at('image.tar'), {
  layers,
  tags: ['example/app:1'],
  config: {
    config: { Env: ['PATH=/usr/bin', 'DB_PASSWORD=Tr0ub4dor&3x', 'DB_PASSWORD_FILE=/run/secrets/db', 'API_TOKEN=letmeinplease', 'GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D'], Labels: { 'org.example.hook': `https://hooks.slack.com/services/T0ABCDEFG/B0HIJKLMN/${'Xq3Rw8Yt2Uv6Zp1Lk9Jh4Gf7'}` } },
    history: [
      { created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
      { created_by: 'ARG NPM_TOKEN=s3cr3t-npm-v4lue', empty_layer: true },
      { created_by: '|2 NPM_TOKEN=s3cr3t-npm-v4lue VERSION=1.2 /bin/sh -c npm ci' },
      { created_by: '/bin/sh -c rm /root/.ssh/id_rsa' },
      { created_by: '|1 GH_SECRET=opensesame /bin/sh -c make', empty_layer: true },
    ],
  },
});

async function scanArchive(selected: readonly string[] = [], maxBufferedBytes?: number) {
  const scanner = createSecretScanner();
  const read = await readImage(await openDockerArchive(archive), {
    selects: (p) => selected.includes(p),
    inspect: scanner.inspect,
    ...(maxBufferedBytes !== undefined ? { limits: { maxBufferedBytes } } : {}),
  });
  return { scanner, read, findings: scanner.findings(read.metadata) };
}

describe('createSecretScanner over an image', () => {
  it('finds secrets per layer, including a file a later layer deleted', async () => {
    const { findings, read } = await scanArchive();
    const where = findings.map((f) => [f.id, f.location?.path, f.location?.line, f.location?.layer]).sort();
    expect(where).toEqual(
      [
        ['github-pat', '/app/.env', 3, diffIds[1]],
        ['github-pat', '/etc/app/settings', 2, diffIds[1]],
        ['private-key', '/root/.ssh/id_rsa', 1, diffIds[1]],
      ].sort(),
    );
    // The key is gone from the squashed tree but still in the image.
    expect(read.tree.get('/root/.ssh/id_rsa')).toBeUndefined();
    expect(findings.find((f) => f.id === 'private-key')?.location?.createdBy).toBe('|2 NPM_TOKEN=s3cr**** VERSION=**** /bin/sh -c npm ci');
  });

  it('never shows more than 4 characters of a secret', async () => {
    const { findings, scanner, read } = await scanArchive();
    const all = [...findings, ...scanner.scanConfig(read.metadata)];
    const text = JSON.stringify(all);
    expect(text).not.toContain(GITHUB.slice(0, 8));
    expect(text).not.toContain(KEY_BODY.slice(0, 8));
    expect(text).not.toContain('Tr0ub4dor');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('letmein');
    expect(text).not.toContain('opensesame');
    expect(findings.find((f) => f.id === 'github-pat')?.evidence.detail).toBe('ghp_****');
  });

  it('inspected content stays out of the tree and the buffer budget; selected files are inspected too', async () => {
    const { findings, read } = await scanArchive(['/etc/app/settings'], 100);
    expect(read.tree.readable('/app/.env')).toBe(false);
    expect(read.tree.readable('/etc/app/settings')).toBe(true);
    expect(findings.some((f) => f.location?.path === '/app/.env')).toBe(true);
    expect(findings.some((f) => f.location?.path === '/etc/app/settings')).toBe(true);
  });

  it('scans env, labels and history of the image config', async () => {
    const { scanner, read } = await scanArchive();
    const config = scanner.scanConfig(read.metadata as ImageMetadata).map((f) => [f.id, f.location?.field]);
    expect(config.sort()).toEqual(
      [
        ['generic-password', 'config.Env[1]'],
        ['secret-in-env', 'config.Env[3]'],
        ['slack-webhook-url', 'config.Labels.org.example.hook'],
        ['generic-password', 'history[1].created_by'],
        ['generic-password', 'history[2].created_by'],
        ['secret-in-build-arg', 'history[4].created_by'],
      ].sort(),
    );
  });

  it('honours a user allow-list of paths, values and rules', async () => {
    const scanner = createSecretScanner({ allow: { paths: ['/app/**'], rules: ['private-key'], values: ['^Tr0ub'] } });
    const read = await readImage(await openDockerArchive(archive), { selects: () => false, inspect: scanner.inspect });
    expect(scanner.findings().map((f) => f.location?.path)).toEqual(['/etc/app/settings']);
    expect(scanner.scanConfig(read.metadata).map((f) => f.location?.field)).not.toContain('config.Env[1]');
  });

  it('rejects an invalid allow-list with a clear error', () => {
    expect(() => createSecretScanner({ allow: { values: ['('] } })).toThrow(/invalid secret allow-list value pattern/);
    expect(() => createSecretScanner({ allow: { paths: 'x' as unknown as string[] } })).toThrow(/invalid secret allow-list/);
  });
});

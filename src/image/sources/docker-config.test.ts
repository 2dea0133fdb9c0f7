// Config files in the shapes `docker login` writes (Docker CLI 20–27): inline
// auths, Docker Hub's legacy index key, identity tokens, credential helpers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../domain/errors.js';
import { credentialKeyHost, credentialsFromConfig, parseDockerConfig, readDockerCredentials } from './docker-config.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const dir = mkdtempSync(path.join(os.tmpdir(), 'bulkhead-dockerconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('credentialKeyHost', () => {
  it.each([
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['http://localhost:5000', 'localhost:5000'],
    ['registry.example.com:8443/path', 'registry.example.com:8443'],
    ['ghcr.io', 'ghcr.io'],
  ])('%s → %s', (key, host) => expect(credentialKeyHost(key)).toBe(host));
});

describe('credentialsFromConfig', () => {
  const config = parseDockerConfig(
    JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') },
        'localhost:5000': { auth: b64('local:pw:with:colons') },
        'https://registry.example.com': { auth: b64('ex:pw') },
        'idp.example.com': { auth: b64('<token>:'), identitytoken: 'refresh-123' },
        'empty.example.com': {},
      },
      credHelpers: { 'gcr.io': 'gcloud' },
    }),
    'config.json',
  );

  it('finds Docker Hub under its legacy index key', () => {
    expect(credentialsFromConfig(config, 'docker.io', 'config.json')).toEqual({ username: 'hubuser', password: 'hubpass' });
  });

  it('splits user:password at the first colon only', () => {
    expect(credentialsFromConfig(config, 'localhost:5000', 'config.json')).toEqual({ username: 'local', password: 'pw:with:colons' });
  });

  it('matches keys written as URLs', () => {
    expect(credentialsFromConfig(config, 'registry.example.com', 'config.json')).toEqual({ username: 'ex', password: 'pw' });
  });

  it('returns the identity token for OAuth registries', () => {
    expect(credentialsFromConfig(config, 'idp.example.com', 'config.json')).toEqual({ username: '<token>', password: '', identityToken: 'refresh-123' });
  });

  it('has nothing for unknown registries or empty entries', () => {
    expect(credentialsFromConfig(config, 'quay.io', 'config.json')).toBeUndefined();
    expect(credentialsFromConfig(config, 'empty.example.com', 'config.json')).toBeUndefined();
    expect(credentialsFromConfig(config, 'localhost:5001', 'config.json')).toBeUndefined();
  });

  it('warns that credential helpers are not run', () => {
    const warnings: string[] = [];
    expect(credentialsFromConfig(config, 'gcr.io', 'config.json', (m) => warnings.push(m))).toBeUndefined();
    expect(warnings).toEqual([
      'config.json names credential helper "docker-credential-gcloud" for gcr.io; credential helpers are not supported, use --username/--password-stdin',
    ]);
  });

  it('warns about a credential store', () => {
    const warnings: string[] = [];
    const withStore = parseDockerConfig(JSON.stringify({ credsStore: 'desktop', auths: { 'ghcr.io': {} } }), 'c.json');
    expect(credentialsFromConfig(withStore, 'ghcr.io', 'c.json', (m) => warnings.push(m))).toBeUndefined();
    expect(warnings[0]).toMatch(/credential store "docker-credential-desktop"/);
  });

  it('refuses an auth entry that is not user:password', () => {
    const bad = parseDockerConfig(JSON.stringify({ auths: { 'x.io': { auth: b64('nocolon') } } }), 'c.json');
    expect(() => credentialsFromConfig(bad, 'x.io', 'c.json')).toThrow(BadInputError);
  });
});

describe('readDockerCredentials', () => {
  it('reads the file named by the caller', async () => {
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ auths: { '127.0.0.1:5000': { auth: b64('u:p') } } }));
    expect(await readDockerCredentials('127.0.0.1:5000', { configPath: file })).toEqual({ username: 'u', password: 'p' });
  });

  it('honours DOCKER_CONFIG and treats a missing default file as no credentials', async () => {
    const previous = process.env.DOCKER_CONFIG;
    try {
      process.env.DOCKER_CONFIG = path.join(dir, 'does-not-exist');
      expect(await readDockerCredentials('docker.io')).toBeUndefined();
      process.env.DOCKER_CONFIG = dir;
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: b64('a:b') } } }));
      expect(await readDockerCredentials('docker.io')).toEqual({ username: 'a', password: 'b' });
    } finally {
      if (previous === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = previous;
    }
  });

  it('fails clearly on a missing explicit file, broken JSON and wrong shapes', async () => {
    await expect(readDockerCredentials('x', { configPath: path.join(dir, 'nope.json') })).rejects.toThrow(/cannot read Docker config .*nope\.json: ENOENT/);
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"auths": ');
    await expect(readDockerCredentials('x', { configPath: broken })).rejects.toThrow(/is not valid JSON/);
    const wrong = path.join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ auths: { 'x.io': { auth: 42 } } }));
    await expect(readDockerCredentials('x.io', { configPath: wrong })).rejects.toThrow(/is not a Docker config file/);
  });
});

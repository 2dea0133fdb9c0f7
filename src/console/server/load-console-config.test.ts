/**
 * Configuration layering (file < environment < flags), path resolution,
 * validation errors, and the secret key: from the environment or created
 * once with mode 0600 and reused.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConsoleConfig, parseListen } from './load-console-config.js';

describe('loadConsoleConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('layers the YAML file, then BULKHEAD_* variables, then flags', () => {
    const file = path.join(dir, 'console.yaml');
    writeFileSync(file, 'dataDir: data\nlisten: { host: 0.0.0.0, port: 9000 }\nlogLevel: warn\nbodyLimit: 2048\ntls: { mode: files, cert: tls/c.pem, key: tls/k.pem }\n');
    const fromFile = loadConsoleConfig(file, {});
    expect(fromFile.dataDir).toBe(path.join(dir, 'data'));
    expect(fromFile.database).toBe(path.join(dir, 'data', 'console.db'));
    expect(fromFile.advisoryDatabase).toBe(path.join(dir, 'data', 'advisories.db'));
    expect(fromFile.listen).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(fromFile.tls).toEqual({ mode: 'files', cert: path.join(dir, 'tls/c.pem'), key: path.join(dir, 'tls/k.pem') });
    expect(fromFile.bodyLimit).toBe(2048);
    expect(fromFile.sessionTtlMinutes).toBe(720);

    const env = { BULKHEAD_LISTEN: '127.0.0.1:9100', BULKHEAD_LOG_LEVEL: 'error', BULKHEAD_DATABASE: 'postgres://u:p@db/bulkhead', BULKHEAD_TLS_MODE: 'self-signed' };
    const fromEnv = loadConsoleConfig(file, env);
    expect(fromEnv.listen).toEqual({ host: '127.0.0.1', port: 9100 });
    expect(fromEnv.logLevel).toBe('error');
    expect(fromEnv.database).toBe('postgres://u:p@db/bulkhead');
    expect(fromEnv.tls).toEqual({ mode: 'self-signed' });

    const fromFlags = loadConsoleConfig(file, env, { listen: ':9200', insecureHttp: true, database: path.join(dir, 'other.db') });
    expect(fromFlags.listen).toEqual({ host: '127.0.0.1', port: 9200 });
    expect(fromFlags.tls).toEqual({ mode: 'none' });
    expect(fromFlags.database).toBe(path.join(dir, 'other.db'));
  });

  it('rejects unknown keys, bad values and conflicting flags with one clear message', () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, `dataDir: ${dir}\nlisen: { port: 1 }\n`);
    expect(() => loadConsoleConfig(file, {})).toThrow(/bad\.yaml: \(top\): Unrecognized key: "lisen"/);
    writeFileSync(file, `dataDir: ${dir}\nlisten: { port: 70000 }\n`);
    expect(() => loadConsoleConfig(file, {})).toThrow(/listen\.port/);
    writeFileSync(file, 'dataDir: [unclosed\n');
    expect(() => loadConsoleConfig(file, {})).toThrow(/not valid YAML/);
    expect(() => loadConsoleConfig(path.join(dir, 'missing.yaml'), {})).toThrow(/cannot read the console configuration/);
    expect(() => loadConsoleConfig(undefined, {}, { dataDir: dir, selfSigned: true, insecureHttp: true })).toThrow(/choose one of/);
    expect(() => loadConsoleConfig(undefined, {}, { dataDir: dir, tlsCert: 'a.pem' })).toThrow(/go together/);
    expect(() => parseListen('nonsense')).toThrow(/HOST:PORT/);
    expect(parseListen('[::1]:8443')).toEqual({ host: '::1', port: 8443 });
  });

  it('creates the secret key once, mode 0600, and reuses it', () => {
    const first = loadConsoleConfig(undefined, {}, { dataDir: dir });
    const file = path.join(dir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.secretKey).toHaveLength(32);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first.secretKey)).toBe(true);
    expect(loadConsoleConfig(undefined, {}, { dataDir: dir }).secretKey.equals(first.secretKey)).toBe(true);
    chmodSync(file, 0o644);
    expect(() => loadConsoleConfig(undefined, {}, { dataDir: dir })).toThrow(/readable by other users/);
  });

  it('takes BULKHEAD_SECRET_KEY as hex or base64 and refuses anything else', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConsoleConfig(undefined, { BULKHEAD_SECRET_KEY: hex }, { dataDir: dir }).secretKey.toString('hex')).toBe(hex);
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConsoleConfig(undefined, { BULKHEAD_SECRET_KEY: b64 }, { dataDir: dir }).secretKey.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(() => loadConsoleConfig(undefined, { BULKHEAD_SECRET_KEY: 'short' }, { dataDir: dir })).toThrow(/32 bytes/);
    expect(() => loadConsoleConfig(undefined, { BULKHEAD_SECRET_KEY: Buffer.alloc(16).toString('base64') }, { dataDir: dir })).toThrow(/32 bytes/);
  });
});

/**
 * The certificate the console serves: the operator's files, or a
 * self-signed one generated once into <dataDir>/tls/ (key mode 0600) and
 * reused until it nears expiry. Clients trust the self-signed certificate by
 * pinning it (`curl --cacert <dataDir>/tls/console.crt`). Plain HTTP is only
 * allowed on a loopback address and only when asked for explicitly.
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import path from 'node:path';
import { generate } from 'selfsigned';
import { BadInputError } from '../../domain/errors.js';
import type { ConsoleConfig } from '../config.js';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /** Where the certificate is (clients pin it in self-signed mode). */
  readonly certFile: string;
}

const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadInputError(`cannot read the TLS ${what} ${file}: ${(error as Error).message}`, { cause: error });
  }
}

async function selfSigned(dataDir: string, host: string): Promise<TlsMaterial> {
  const dir = path.join(dataDir, 'tls');
  const certFile = path.join(dir, 'console.crt');
  const keyFile = path.join(dir, 'console.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    const validTo = Date.parse(new X509Certificate(cert).validTo);
    if (validTo - Date.now() > RENEW_BEFORE_MS) return { cert, key: readFileSync(keyFile, 'utf8'), certFile };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const names = new Set(['localhost', hostname()]);
  const ips = new Set(['127.0.0.1', '::1']);
  if (host && host !== '0.0.0.0' && host !== '::') (isIP(host) ? ips : names).add(host);
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: `bulkhead-console ${hostname()}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 5 * 60_000),
    notAfterDate: new Date(now.getTime() + 825 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...[...names].map((value) => ({ type: 2 as const, value })), ...[...ips].map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  // Written beside and renamed so a crash never leaves a key without its certificate.
  writeFileSync(`${keyFile}.tmp`, pems.private, { mode: 0o600 });
  chmodSync(`${keyFile}.tmp`, 0o600);
  writeFileSync(`${certFile}.tmp`, pems.cert, { mode: 0o644 });
  renameSync(`${keyFile}.tmp`, keyFile);
  renameSync(`${certFile}.tmp`, certFile);
  return { cert: pems.cert, key: pems.private, certFile };
}

/** The TLS material to serve with, or undefined for plain HTTP (loopback only). */
export async function tlsMaterial(config: Pick<ConsoleConfig, 'tls' | 'listen' | 'dataDir'>): Promise<TlsMaterial | undefined> {
  switch (config.tls.mode) {
    case 'files':
      return { cert: readPem(config.tls.cert, 'certificate'), key: readPem(config.tls.key, 'key'), certFile: config.tls.cert };
    case 'self-signed':
      return selfSigned(config.dataDir, config.listen.host);
    case 'none':
      if (!isLoopback(config.listen.host)) {
        throw new BadInputError(`refusing plain HTTP on ${config.listen.host}: without TLS the console listens only on a loopback address (127.0.0.1, ::1); use --tls-cert/--tls-key or --self-signed to listen on ${config.listen.host}`);
      }
      return undefined;
  }
}

/**
 * The console's configuration from three layers, later ones winning: the
 * YAML file (`--config`), BULKHEAD_* environment variables, and command-line
 * flags. The result is validated once (config.ts) and completed with the
 * defaults that depend on the data directory and with the secret key.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { BadInputError } from '../../domain/errors.js';
import { consoleConfigSchema, type ConsoleConfig } from '../config.js';

export interface ConsoleFlags {
  readonly dataDir?: string;
  readonly database?: string;
  /** HOST:PORT, [v6]:PORT or :PORT. */
  readonly listen?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly selfSigned?: boolean;
  readonly insecureHttp?: boolean;
  readonly logLevel?: string;
}

export const DEFAULT_DATA_DIR = path.join(homedir(), '.local', 'share', 'bulkhead', 'console');

export function parseListen(value: string): { host?: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new BadInputError(`listen address "${value}" is not HOST:PORT (e.g. 0.0.0.0:8443, [::1]:8443, :8443)`);
  const host = m[1] ?? m[2];
  return host ? { host, port } : { port };
}

/** BULKHEAD_SECRET_KEY: 32 bytes as 64 hex digits or base64. */
export function parseSecretKey(text: string, where: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(t) && key.toString('base64').replace(/=+$/, '') !== t.replace(/=+$/, ''))) {
    throw new BadInputError(`${where} must be 32 bytes, as 64 hex digits or base64 (generate one with: openssl rand -base64 32)`);
  }
  return key;
}

/** The key in <dataDir>/secret.key, created once (mode 0600) when absent. */
export function loadOrCreateSecretKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret.key');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) {
    try {
      // 'wx': two processes starting at once must not each write a different key.
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new BadInputError(`cannot create ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  if ((statSync(file).mode & 0o077) !== 0) throw new BadInputError(`${file} is readable by other users; run: chmod 600 ${file}`);
  return parseSecretKey(readFileSync(file, 'utf8'), file);
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadInputError(`cannot read the console configuration ${file}: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new BadInputError(`${file} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new BadInputError(`${file} must be a YAML mapping`);
  return parsed as Record<string, unknown>;
}

function positiveInt(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw new BadInputError(`${name} must be a whole number`);
  return Number(value);
}

export function loadConsoleConfig(file: string | undefined, env: NodeJS.ProcessEnv, flags: ConsoleFlags = {}): ConsoleConfig {
  const raw: Record<string, unknown> = file ? readConfigFile(file) : {};
  const baseDir = file ? path.dirname(path.resolve(file)) : process.cwd();
  const listen = { ...(raw.listen as Record<string, unknown> | undefined) };
  let tls = raw.tls as Record<string, unknown> | undefined;

  // Environment.
  if (env.BULKHEAD_DATA_DIR) raw.dataDir = env.BULKHEAD_DATA_DIR;
  if (env.BULKHEAD_DATABASE) raw.database = env.BULKHEAD_DATABASE;
  if (env.BULKHEAD_LISTEN) Object.assign(listen, parseListen(env.BULKHEAD_LISTEN));
  if (env.BULKHEAD_TLS_CERT || env.BULKHEAD_TLS_KEY) tls = { mode: 'files', cert: env.BULKHEAD_TLS_CERT, key: env.BULKHEAD_TLS_KEY };
  if (env.BULKHEAD_TLS_MODE === 'self-signed' || env.BULKHEAD_TLS_MODE === 'none') tls = { mode: env.BULKHEAD_TLS_MODE };
  if (env.BULKHEAD_LOG_LEVEL) raw.logLevel = env.BULKHEAD_LOG_LEVEL;
  if (env.BULKHEAD_BODY_LIMIT) raw.bodyLimit = positiveInt(env.BULKHEAD_BODY_LIMIT, 'BULKHEAD_BODY_LIMIT');
  if (env.BULKHEAD_WORKERS) raw.workers = !/^(0|false|no|off)$/i.test(env.BULKHEAD_WORKERS);

  // Flags.
  if (flags.dataDir) raw.dataDir = flags.dataDir;
  if (flags.database) raw.database = flags.database;
  if (flags.listen) Object.assign(listen, parseListen(flags.listen));
  const tlsModes = [flags.tlsCert || flags.tlsKey, flags.selfSigned, flags.insecureHttp].filter(Boolean).length;
  if (tlsModes > 1) throw new BadInputError('choose one of --tls-cert/--tls-key, --self-signed and --insecure-http');
  if (flags.tlsCert || flags.tlsKey) {
    if (!flags.tlsCert || !flags.tlsKey) throw new BadInputError('--tls-cert and --tls-key go together');
    tls = { mode: 'files', cert: flags.tlsCert, key: flags.tlsKey };
  }
  if (flags.selfSigned) tls = { mode: 'self-signed' };
  if (flags.insecureHttp) tls = { mode: 'none' };
  if (flags.logLevel) raw.logLevel = flags.logLevel;

  raw.dataDir ??= DEFAULT_DATA_DIR;
  if (Object.keys(listen).length) raw.listen = listen;
  if (tls) raw.tls = tls;

  const parsed = consoleConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadInputError(`console configuration${file ? ` ${file}` : ''}: ${issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'invalid'}`);
  }
  const c = parsed.data;
  // Relative paths in the file are relative to the file; on the command line, to the working directory.
  const dataDir = path.resolve(flags.dataDir || env.BULKHEAD_DATA_DIR || !file ? process.cwd() : baseDir, c.dataDir);
  const cwd = process.cwd();
  const resolveFile = (p: string, fromOutside: unknown): string => (/^postgres(ql)?:\/\//i.test(p) ? p : path.resolve(fromOutside ? cwd : baseDir, p));
  const tlsOutside = flags.tlsCert || env.BULKHEAD_TLS_CERT || env.BULKHEAD_TLS_KEY;
  const secretKey = env.BULKHEAD_SECRET_KEY ? parseSecretKey(env.BULKHEAD_SECRET_KEY, 'BULKHEAD_SECRET_KEY') : loadOrCreateSecretKey(dataDir);
  return {
    ...c,
    dataDir,
    tls: c.tls.mode === 'files' ? { mode: 'files', cert: resolveFile(c.tls.cert, tlsOutside), key: resolveFile(c.tls.key, tlsOutside) } : c.tls,
    database: c.database ? resolveFile(c.database, flags.database || env.BULKHEAD_DATABASE) : path.join(dataDir, 'console.db'),
    advisoryDatabase: c.advisoryDatabase ? resolveFile(c.advisoryDatabase, false) : path.join(dataDir, 'advisories.db'),
    secretKey,
  };
}

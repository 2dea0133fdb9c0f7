/**
 * `bulkhead serve`: runs the console (REST API under /api/v1) until SIGTERM
 * or SIGINT, then shuts down gracefully: stops accepting, lets in-flight
 * requests finish, stops the workers and closes the store. A second signal
 * exits at once.
 */
import type { Command } from 'commander';
import { isIP } from 'node:net';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { BadInputError } from '../domain/errors.js';
import { loadConsoleConfig } from '../console/server/load-console-config.js';
import { startConsole } from '../console/server/start-console.js';

interface ServeOptions {
  config?: string;
  database?: string;
  dataDir?: string;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  selfSigned?: boolean;
  insecureHttp?: boolean;
  initAdmin?: string | boolean;
  logLevel?: string;
  trustProxy?: string;
}

async function readLine(prompt: string, hidden: boolean): Promise<string> {
  const tty = process.stdin.isTTY === true;
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output: tty ? output : undefined, terminal: tty });
  try {
    if (tty) {
      process.stderr.write(prompt);
      muted = hidden;
    }
    const line = await new Promise<string>((resolve, reject) => {
      rl.once('line', resolve);
      rl.once('close', () => reject(new BadInputError('no admin password on standard input')));
    });
    if (tty) process.stderr.write('\n');
    return line;
  } finally {
    rl.close();
  }
}

/** The first admin's password: BULKHEAD_ADMIN_PASSWORD, else typed twice on a terminal, else the first line of stdin. */
async function adminPassword(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.BULKHEAD_ADMIN_PASSWORD) return env.BULKHEAD_ADMIN_PASSWORD;
  const password = await readLine('Password for the first admin: ', true);
  if (process.stdin.isTTY && (await readLine('Again: ', true)) !== password) throw new BadInputError('the passwords differ');
  return password;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the console: inventory, re-evaluation, policies, access control and audit over a REST API')
    .option('--config <file>', 'YAML configuration file (see docs/console.md)')
    .option('--database <url|file>', 'SQLite file or postgres://… URL (default <data-dir>/console.db)')
    .option('--data-dir <dir>', 'where the SQLite store, secret key, certificate and advisory database live')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:8443)')
    .option('--tls-cert <file>', 'TLS certificate (PEM), with --tls-key')
    .option('--tls-key <file>', 'TLS private key (PEM), with --tls-cert')
    .option('--self-signed', 'serve TLS with a self-signed certificate kept in the data directory (the default)')
    .option('--insecure-http', 'plain HTTP: only allowed when listening on a loopback address')
    .option('--init-admin [name]', 'create the first admin (name default "admin" or BULKHEAD_ADMIN_USER; password from BULKHEAD_ADMIN_PASSWORD or stdin)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--trust-proxy <addresses>', 'comma-separated addresses/CIDRs of reverse proxies whose X-Forwarded-For gives the client address (or BULKHEAD_TRUST_PROXY)')
    .action(async (options: ServeOptions) => {
      const env = process.env;
      const config = loadConsoleConfig(options.config, env, {
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.database ? { database: options.database } : {}),
        ...(options.listen ? { listen: options.listen } : {}),
        ...(options.tlsCert ? { tlsCert: options.tlsCert } : {}),
        ...(options.tlsKey ? { tlsKey: options.tlsKey } : {}),
        ...(options.selfSigned ? { selfSigned: true } : {}),
        ...(options.insecureHttp ? { insecureHttp: true } : {}),
        ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      });
      const initAdmin = options.initAdmin
        ? { name: typeof options.initAdmin === 'string' ? options.initAdmin : env.BULKHEAD_ADMIN_USER || 'admin', password: await adminPassword(env) }
        : undefined;
      const proxies = (options.trustProxy ?? env.BULKHEAD_TRUST_PROXY ?? '').split(',').map((a) => a.trim()).filter(Boolean);
      for (const proxy of proxies) {
        const [address, bits, extra] = proxy.split('/');
        if (extra !== undefined || !address || isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
          throw new BadInputError(`--trust-proxy: "${proxy}" is not an IP address or CIDR`);
        }
      }
      const running = await startConsole(config, { env, ...(initAdmin ? { initAdmin } : {}), ...(proxies.length ? { trustProxy: proxies } : {}) });
      process.stderr.write(`bulkhead console listening on ${running.url}${running.certFile && config.tls.mode === 'self-signed' ? ` (self-signed certificate: ${running.certFile})` : ''}\n`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals): void => {
          if (stopping) {
            process.stderr.write(`bulkhead: ${signal} again, exiting now\n`);
            process.exit(1);
          }
          stopping = true;
          running.ctx.log.info({ signal }, 'shutting down');
          running.close().then(resolve, (error: unknown) => {
            running.ctx.log.error({ err: error }, 'shutdown failed');
            process.exitCode = 2;
            resolve();
          });
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}

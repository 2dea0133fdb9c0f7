/**
 * Private docker-registry instances that demand authentication, for the
 * registry source's auth tests: htpasswd Basic auth (bcrypt file written by
 * `htpasswd -B`), and Bearer token auth backed by a small token server that
 * signs ES256 JWTs with a throwaway certificate the registry trusts (the
 * same token protocol Docker Hub speaks). Both listen on 127.0.0.1 only.
 */
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './free-port.js';
import { spawnRegistry } from './service-process.js';
import { runCommand } from './run-command.js';
import { waitUntil } from './wait-until.js';

export interface AuthRegistry {
  /** host:port as image references spell it. */
  readonly host: string;
  readonly url: string;
  /** Requests the token server answered (token auth only). */
  readonly tokenRequests: { readonly scope: string | null; readonly service: string | null; readonly user?: string }[];
  stop(): Promise<void>;
}

export interface AuthUser {
  readonly username: string;
  readonly password: string;
}

const SERVICE = 'bulkhead-test-registry';
const ISSUER = 'bulkhead-test-token-issuer';

/** A bcrypt htpasswd line; htpasswd(1) from apache2-utils, or Python's crypt where that is missing. */
async function htpasswdLine(user: AuthUser): Promise<string> {
  const htpasswd = await runCommand('htpasswd', ['-nbB', user.username, user.password], { allowFailure: true }).catch(() => undefined);
  if (htpasswd && htpasswd.code === 0) return htpasswd.stdout.trim();
  const py = await runCommand('python3', [
    '-c',
    'import crypt,sys; print(sys.argv[1] + ":" + crypt.crypt(sys.argv[2], crypt.mksalt(crypt.METHOD_BLOWFISH)))',
    user.username,
    user.password,
  ]);
  return py.stdout.trim();
}

async function runRegistry(root: string, auth: Record<string, unknown>): Promise<{ host: string; url: string; stop: () => Promise<void> }> {
  await mkdir(path.join(root, 'storage'), { recursive: true });
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const configFile = path.join(root, 'config.yml');
  const logFile = path.join(root, 'registry.log');
  await writeFile(
    configFile,
    stringify({
      version: 0.1,
      log: { level: 'info', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: path.join(root, 'storage') }, cache: { blobdescriptor: 'inmemory' } },
      http: { addr: host },
      auth,
    }),
  );
  const registry = spawnRegistry(configFile, logFile);
  const stop = registry.terminate;
  const url = `http://${host}`;
  try {
    // An auth-protected registry answers /v2/ with 401 once it is up.
    await waitUntil(`docker-registry on ${host} (log: ${logFile})`, async () => (await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(2_000) })).status === 401, {
      timeoutMs: 30_000,
      stillAlive: registry.exited,
    });
  } catch (error) {
    await stop();
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${tail}`);
  }
  return { host, url, stop };
}

/** A registry behind htpasswd Basic auth for `user`. */
export async function startBasicAuthRegistry(root: string, user: AuthUser): Promise<AuthRegistry> {
  await mkdir(root, { recursive: true });
  const htpasswdFile = path.join(root, 'htpasswd');
  await writeFile(htpasswdFile, `${await htpasswdLine(user)}\n`);
  const registry = await runRegistry(root, { htpasswd: { realm: 'bulkhead-basic-realm', path: htpasswdFile } });
  return { ...registry, tokenRequests: [] };
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * A registry behind token auth. The token server grants anonymous pulls of
 * repositories under `public/`, and anything asked for to `user`; a wrong
 * password gets 401, as from Docker Hub's auth service.
 */
export async function startTokenAuthRegistry(root: string, user: AuthUser): Promise<AuthRegistry> {
  await mkdir(root, { recursive: true });
  const keyFile = path.join(root, 'token-key.pem');
  const certFile = path.join(root, 'token-cert.pem');
  await runCommand('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=bulkhead-test-token-signer',
  ]);
  const key = createPrivateKey(await readFile(keyFile));
  const certDer = Buffer.from(
    (await readFile(certFile, 'utf8')).replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''),
    'base64',
  );

  const tokenRequests: AuthRegistry['tokenRequests'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    let who: string | undefined;
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const [name, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      if (name !== user.username || rest.join(':') !== user.password) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}');
        return;
      }
      who = name;
    }
    const scope = url.searchParams.get('scope');
    tokenRequests.push({ scope, service: url.searchParams.get('service'), ...(who ? { user: who } : {}) });
    const access = (scope ?? '')
      .split(' ')
      .filter(Boolean)
      .map((s) => {
        const [type, name, actions] = [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1, s.lastIndexOf(':')), s.slice(s.lastIndexOf(':') + 1)];
        const wanted = actions.split(',');
        const granted = who ? wanted : name.startsWith('public/') ? wanted.filter((a) => a === 'pull') : [];
        return { type, name, actions: granted };
      });
    const now = Math.floor(Date.now() / 1000);
    const headerPart = b64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', x5c: [certDer.toString('base64')] }));
    const claims = b64url(
      JSON.stringify({ iss: ISSUER, sub: who ?? '', aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access }),
    );
    const signature = sign('sha256', Buffer.from(`${headerPart}.${claims}`), { key, dsaEncoding: 'ieee-p1363' });
    const token = `${headerPart}.${claims}.${b64url(signature)}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const tokenPort = typeof address === 'object' && address ? address.port : 0;
  const stopServer = (): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  try {
    const registry = await runRegistry(root, {
      token: { realm: `http://127.0.0.1:${tokenPort}/token`, service: SERVICE, issuer: ISSUER, rootcertbundle: certFile },
    });
    return {
      ...registry,
      tokenRequests,
      async stop() {
        await registry.stop();
        await stopServer();
      },
    };
  } catch (error) {
    await stopServer();
    throw error;
  }
}

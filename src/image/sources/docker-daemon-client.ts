/**
 * A minimal Docker Engine API client over node:http: the unix socket (or a
 * plain tcp:// address), API version negotiation through /_ping, bounded
 * JSON responses and streamed bodies with an idle timeout.
 */
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import { BadInputError, BulkheadError, LimitExceededError } from '../../domain/errors.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
/** Newest Engine API this client speaks; older engines are spoken to in their own version. */
const CLIENT_API_VERSION = '1.43';
/** What the Docker CLI assumes when /_ping does not say. */
const FALLBACK_API_VERSION = '1.24';
const MAX_ERROR_BYTES = 64 * 1024;

/** The Docker Engine could not be reached or failed a request. */
export class DockerEngineError extends BulkheadError {}

export type DockerEndpoint =
  | { readonly kind: 'unix'; readonly socketPath: string; readonly address: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly address: string };

export function parseDockerHost(address: string): DockerEndpoint {
  if (address.startsWith('unix://')) {
    const socketPath = address.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new BadInputError(`Docker host ${address}: the socket path must be absolute`);
    return { kind: 'unix', socketPath, address };
  }
  if (address.startsWith('tcp://') || address.startsWith('http://')) {
    let url: URL;
    try {
      url = new URL(address.replace(/^tcp:/, 'http:'));
    } catch {
      throw new BadInputError(`Docker host ${address} is not a valid address`);
    }
    if (process.env.DOCKER_TLS_VERIFY) {
      throw new BadInputError(`Docker host ${address} with DOCKER_TLS_VERIFY: TLS connections to the Docker Engine are not supported`);
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return { kind: 'tcp', host, port: url.port ? Number(url.port) : 2375, address };
  }
  throw new BadInputError(`Docker host ${address} is not supported: use unix:///path/to/docker.sock or tcp://HOST:PORT`);
}

export interface DockerEngineClient {
  readonly endpoint: DockerEndpoint;
  /** Negotiated API version, e.g. '1.41'. */
  apiVersion(): Promise<string>;
  /** GET a versioned API path; returns status and a body bounded to maxBytes. */
  getJson(path: string, maxBytes: number): Promise<{ readonly status: number; readonly body: Buffer }>;
  /** GET a versioned API path and stream its body; non-200 answers are returned with their error text. */
  getStream(path: string): Promise<{ readonly status: number; readonly body: IncomingMessage }>;
}

function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor !== bMajor ? aMajor - bMajor : aMinor - bMinor;
}

/** Reads a whole body, refusing more than maxBytes. */
export async function readAll(body: IncomingMessage, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      body.destroy();
      throw new LimitExceededError(`${what} is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** The Engine's error text: `{"message": "..."}` or plain text. */
export function engineMessage(body: Buffer): string {
  const text = body.toString('utf8').slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: the text itself is the message.
  }
  return text.trim();
}

export function createDockerEngineClient(address: string, timeoutMs: number): DockerEngineClient {
  const endpoint = parseDockerHost(address);
  let negotiated: Promise<string> | undefined;

  function raw(path: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const target =
        endpoint.kind === 'unix' ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port };
      const req = http.request({ ...target, path, method: 'GET', headers: { host: 'docker', 'user-agent': 'bulkhead' } }, (res) => {
        // The same idle timeout keeps guarding the body: a stalled stream is destroyed with an error.
        res.on('error', () => undefined);
        resolve(res);
      });
      req.setTimeout(timeoutMs, () => {
        req.destroy(new DockerEngineError(`the Docker Engine at ${endpoint.address} did not answer within ${timeoutMs / 1000}s (GET ${path})`));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof DockerEngineError) return reject(error);
        const hint =
          error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
            ? ' (is dockerd running? set DOCKER_HOST or --docker-host)'
            : error.code === 'EACCES'
              ? ' (permission denied: is this user in the docker group?)'
              : '';
        reject(
          new DockerEngineError(`cannot reach the Docker Engine at ${endpoint.address}: ${error.code ?? error.message}${hint}`, {
            cause: error,
          }),
        );
      });
      req.end();
    });
  }

  async function apiVersion(): Promise<string> {
    negotiated ??= (async () => {
      const res = await raw('/_ping');
      const header = res.headers['api-version'];
      res.resume();
      if (res.statusCode !== 200) {
        throw new DockerEngineError(`the Docker Engine at ${endpoint.address} answered ${res.statusCode} to /_ping`);
      }
      const server = typeof header === 'string' && /^\d+\.\d+$/.test(header) ? header : FALLBACK_API_VERSION;
      return compareVersions(server, CLIENT_API_VERSION) < 0 ? server : CLIENT_API_VERSION;
    })();
    return negotiated;
  }

  return {
    endpoint,
    apiVersion,
    async getJson(path, maxBytes) {
      const version = await apiVersion();
      const res = await raw(`/v${version}${path}`);
      const status = res.statusCode ?? 0;
      const body = await readAll(res, status === 200 ? maxBytes : MAX_ERROR_BYTES, `Docker Engine response to ${path}`);
      return { status, body };
    },
    async getStream(path) {
      const version = await apiVersion();
      const res = await raw(`/v${version}${path}`);
      return { status: res.statusCode ?? 0, body: res };
    },
  };
}

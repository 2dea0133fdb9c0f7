/**
 * The defender's calls to its own dockerd: inspect images, containers and
 * exec instances, list containers, follow /events, and act on running
 * containers (update the restart policy, stop). Every one of these calls
 * passes through the authorization plugin itself, so the defender only makes
 * them while handling requests whose own AuthZ answer does not depend on
 * another call (reads are answered without any), which rules out deadlock.
 */
import http from 'node:http';
import { BulkheadError } from '../../domain/errors.js';
import { parseDockerHost } from '../../image/sources/docker-daemon-client.js';

export class EngineApiError extends BulkheadError {}

export interface EngineResponse {
  readonly status: number;
  readonly json: unknown;
}

export interface EngineApi {
  readonly address: string;
  request(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<EngineResponse>;
  /** Streams newline-delimited JSON (GET /events); returns a function that stops it. */
  stream(path: string, onMessage: (json: unknown) => void, onEnd: (error?: Error) => void): () => void;
}

const MAX_RESPONSE = 16 * 1024 * 1024;

export function createEngineApi(address: string, defaultTimeoutMs = 10_000): EngineApi {
  const endpoint = parseDockerHost(address);
  const base = (): http.RequestOptions => (endpoint.kind === 'unix' ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port });
  // Connections are reused: a create decision costs one inspect, and a new socket per call shows in p99.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  const request = (method: string, path: string, body?: unknown, timeoutMs = defaultTimeoutMs): Promise<EngineResponse> =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        { ...base(), agent, method, path, headers: { host: 'docker', ...(text !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {}) }, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE) {
              req.destroy(new EngineApiError(`${method} ${path}: response larger than ${MAX_RESPONSE} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            let json: unknown = raw;
            try {
              json = raw === '' ? undefined : (JSON.parse(raw) as unknown);
            } catch {
              // Engine errors are sometimes plain text; keep them as the string.
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new EngineApiError(`${method} ${path}: no answer from the Docker Engine at ${address} within ${timeoutMs} ms`)));
      req.on('error', (error) => reject(error instanceof EngineApiError ? error : new EngineApiError(`${method} ${path} at ${address}: ${error.message}`, { cause: error })));
      req.end(text);
    });

  const stream = (path: string, onMessage: (json: unknown) => void, onEnd: (error?: Error) => void): (() => void) => {
    let ended = false;
    const finish = (error?: Error): void => {
      if (ended) return;
      ended = true;
      onEnd(error);
    };
    const req = http.request({ ...base(), method: 'GET', path, headers: { host: 'docker' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        finish(new EngineApiError(`GET ${path}: status ${res.statusCode ?? 0}`));
        return;
      }
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        if (pending.length > MAX_RESPONSE) {
          req.destroy();
          finish(new EngineApiError(`GET ${path}: an event line longer than ${MAX_RESPONSE} bytes`));
          return;
        }
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (!line) continue;
          try {
            onMessage(JSON.parse(line) as unknown);
          } catch {
            // A malformed event is skipped; the stream goes on.
          }
        }
      });
      res.on('end', () => finish());
      res.on('error', (e) => finish(e));
    });
    req.on('error', (e) => finish(e));
    req.end();
    return () => {
      ended = true;
      req.destroy();
    };
  };

  return { address, request, stream };
}

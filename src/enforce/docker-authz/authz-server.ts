/**
 * The plugin's HTTP server on a unix socket (/run/docker/plugins/<name>.sock
 * by default). It never lets a request go unanswered: a body that is too
 * large, not JSON, not a valid AuthZ message, a handler that throws or takes
 * longer than its budget — each gets the configured fallback answer and a
 * logged reason, because dockerd fails every API call while its plugin does
 * not answer.
 */
import http from 'node:http';
import { chmod, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ZodError } from 'zod';
import { ACTIVATE_PATH, AUTHZ_REQUEST_PATH, AUTHZ_RESPONSE_PATH, MAX_DECODED_BODY, PLUGIN_CONTENT_TYPE, parseAuthzMessage, type AuthzAnswer, type AuthzMessage } from './authz-protocol.js';

/** Largest plugin message read: a 2 MiB body in base64 plus headers. */
const MAX_MESSAGE_BYTES = Math.ceil((MAX_DECODED_BODY * 4) / 3) + 256 * 1024;

export type AuthzPhase = 'request' | 'response';

export interface AuthzHandler {
  decide(phase: AuthzPhase, message: AuthzMessage): Promise<AuthzAnswer>;
  /** The answer when a message cannot be judged; also logs the reason. */
  fallback(phase: AuthzPhase, reason: string, message?: AuthzMessage): AuthzAnswer;
}

export interface AuthzServerOptions {
  readonly socketPath: string;
  readonly handler: AuthzHandler;
  /** Longest a decision may take before the fallback answers (dockerd gives up after about 30 s). */
  readonly decisionTimeoutMs?: number;
}

export interface AuthzServer {
  readonly socketPath: string;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': PLUGIN_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBounded(req: http.IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_MESSAGE_BYTES) over = true;
      // Past the limit the rest is read and dropped, so the connection stays usable for the answer.
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function withTimeout(p: Promise<AuthzAnswer>, ms: number): Promise<AuthzAnswer | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function startAuthzServer(options: AuthzServerOptions): Promise<AuthzServer> {
  const { handler, socketPath } = options;
  const decisionTimeoutMs = options.decisionTimeoutMs ?? 20_000;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST') {
      req.resume();
      send(res, 405, { Err: `method ${req.method ?? ''} not allowed` });
      return;
    }
    if (url === ACTIVATE_PATH) {
      req.resume();
      send(res, 200, { Implements: ['authz'] });
      return;
    }
    const phase: AuthzPhase | undefined = url === AUTHZ_REQUEST_PATH ? 'request' : url === AUTHZ_RESPONSE_PATH ? 'response' : undefined;
    if (!phase) {
      req.resume();
      send(res, 404, { Err: `unknown plugin method ${url?.slice(0, 100) ?? ''}` });
      return;
    }
    const raw = await readBounded(req);
    if (raw === 'too-large') {
      send(res, 200, handler.fallback(phase, `plugin message larger than ${MAX_MESSAGE_BYTES} bytes`));
      return;
    }
    let message: AuthzMessage;
    try {
      message = parseAuthzMessage(JSON.parse(raw.toString('utf8')) as unknown);
    } catch (error) {
      const why = error instanceof ZodError ? `invalid AuthZ message: ${error.issues[0]?.path.join('.') ?? ''} ${error.issues[0]?.message ?? ''}` : `AuthZ message is not JSON: ${(error as Error).message}`;
      send(res, 200, handler.fallback(phase, why.slice(0, 300)));
      return;
    }
    let answer: AuthzAnswer | 'timeout';
    try {
      answer = await withTimeout(handler.decide(phase, message), decisionTimeoutMs);
    } catch (error) {
      send(res, 200, handler.fallback(phase, `decision failed: ${(error as Error).message}`.slice(0, 300), message));
      return;
    }
    send(res, 200, answer === 'timeout' ? handler.fallback(phase, `no decision within ${decisionTimeoutMs} ms`, message) : answer);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Last line of defence: an answer, whatever happened.
      if (!res.headersSent) send(res, 200, handler.fallback('request', `internal error: ${(error as Error).message}`));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.requestTimeout = 60_000;
  server.on('clientError', (_error, socket) => {
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  await mkdir(path.dirname(socketPath), { recursive: true });
  // A stale socket from a killed defender would make listen fail with EADDRINUSE.
  await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Only root (dockerd) may talk to the plugin: anyone else could probe decisions.
  await chmod(socketPath, 0o600);
  return {
    socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => rm(socketPath, { force: true })),
  };
}

/**
 * The webhook's HTTPS server: POST /validate (and /mutate with --mutate)
 * take AdmissionReviews, GET /healthz and /readyz answer probes. Bodies are
 * bounded (3 MiB, the API server's own request limit); anything that is not
 * a readable AdmissionReview still gets a valid AdmissionReview answer per
 * the configured default when its uid can be read, else a 400/413
 * problem+json — never a crash. The certificate follows its files.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EnforcementDecision } from '../../domain/enforcement.js';
import { parseAdmissionReview, ADMISSION_API_VERSION } from './admission-review.js';
import { admit, invalidReview, type AdmissionRecord, type AdmitContext, type AdmitResult } from './admit.js';
import { errorMessage } from './error-message.js';
import { readKeyPair, watchCertificate, type CertificateFiles } from './reloading-certificate.js';
import { randomUUID } from 'node:crypto';

export const VALIDATE_PATH = '/validate';
export const MUTATE_PATH = '/mutate';
export const DEFAULT_ADMISSION_PORT = 8443;
/** The API server refuses request bodies over 3 MiB; a review cannot legitimately be larger. */
export const MAX_REVIEW_BYTES = 3 * 1024 * 1024;
/** Past this the connection is cut instead of read to the end. */
const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;
/** How much of an oversized body is kept to find its uid. */
const HEAD_BYTES = 64 * 1024;

export type AdmissionLogLevel = 'info' | 'warn' | 'error';
export type AdmissionLogger = (level: AdmissionLogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void;

export interface AdmissionServerOptions extends CertificateFiles {
  readonly host: string;
  readonly port: number;
  readonly context: AdmitContext;
  readonly mutate?: boolean;
  readonly maxBodyBytes?: number;
  readonly log?: AdmissionLogger;
  /** Receives every decision (connected mode sends them to the console). */
  readonly onDecisions?: (decisions: readonly EnforcementDecision[], record: AdmissionRecord) => void;
  /** How often the certificate files are polled besides being watched. */
  readonly certificatePollMs?: number;
}

export interface AdmissionServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Re-reads the certificate files now; true when a new pair was installed. */
  reloadCertificate(): Promise<boolean>;
  close(): Promise<void>;
}

interface Body {
  readonly bytes: Buffer;
  readonly total: number;
  readonly oversized: boolean;
}

function readBody(req: IncomingMessage, max: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let total = 0;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > DISCARD_LIMIT_BYTES) {
      reject(new Error(`request body of ${declared} bytes`));
      return;
    }
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > DISCARD_LIMIT_BYTES) {
        req.destroy();
        reject(new Error(`request body over ${DISCARD_LIMIT_BYTES} bytes`));
        return;
      }
      // Keep everything up to the limit, then only the head (where the uid is) of an oversized body.
      const room = (total > max ? HEAD_BYTES : max) - kept;
      if (room > 0) {
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        chunks.push(part);
        kept += part.length;
      }
    });
    req.on('end', () => resolve({ bytes: Buffer.concat(chunks, kept), total, oversized: total > max }));
    req.on('error', reject);
  });
}

/** The API server writes request.uid near the top; find it in a body too big (or too broken) to parse. */
function uidFromText(head: string): string | undefined {
  const m = /"request"\s*:\s*\{[^{}]*?"uid"\s*:\s*"([A-Za-z0-9._:-]{1,256})"/.exec(head);
  return m?.[1];
}

function apiVersionFromText(head: string): string {
  return /"apiVersion"\s*:\s*"admission\.k8s\.io\/v1beta1"/.test(head.slice(0, 4096)) ? 'admission.k8s.io/v1beta1' : ADMISSION_API_VERSION;
}

function sendJson(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function sendProblem(res: ServerResponse, status: number, title: string, detail: string): void {
  sendJson(res, status, { type: 'about:blank', title, status, detail }, 'application/problem+json');
}

export async function startAdmissionServer(options: AdmissionServerOptions): Promise<AdmissionServer> {
  const log: AdmissionLogger = options.log ?? (() => undefined);
  const maxBody = options.maxBodyBytes ?? MAX_REVIEW_BYTES;
  const pair = await readKeyPair(options);
  const server = createServer({ cert: pair.cert, key: pair.key, minVersion: 'TLSv1.2' });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  // The API server keeps connections open between reviews; keep them longer than it idles.
  server.keepAliveTimeout = 90_000;

  function finish(res: ServerResponse, result: AdmitResult): void {
    sendJson(res, 200, result.review);
    const r = result.record;
    const level = r.invalid ? 'warn' : 'info';
    log(level, r.invalid ? `invalid admission request: ${r.note}` : `admission ${r.allowed ? 'allowed' : 'denied'}`, { ...r, containers: r.containers.map((c) => ({ name: c.name, image: c.image, digest: c.digest, verdict: c.verdict, rules: c.violations.map((v) => v.ruleId), unavailable: c.unavailable })) });
    if (result.decisions.length > 0) options.onDecisions?.(result.decisions, r);
  }

  function unreadable(res: ServerResponse, head: string, problem: string, status: number, started: number): void {
    const uid = uidFromText(head);
    if (uid) {
      finish(res, invalidReview(apiVersionFromText(head), uid, problem, options.context.config, randomUUID(), started));
      return;
    }
    log('warn', `invalid admission request without a readable uid: ${problem}`);
    sendProblem(res, status, status === 413 ? 'Request body too large' : 'Not an AdmissionReview', problem);
  }

  async function review(req: IncomingMessage, res: ServerResponse, mutate: boolean): Promise<void> {
    const started = performance.now();
    let body: Body;
    try {
      body = await readBody(req, maxBody);
    } catch (error) {
      log('warn', `admission request body not read: ${errorMessage(error)}`);
      if (!res.headersSent && !req.destroyed) sendProblem(res, 413, 'Request body too large', errorMessage(error));
      else res.destroy();
      return;
    }
    const text = body.bytes.toString('utf8');
    if (body.oversized) {
      unreadable(res, text, `the request body is ${body.total} bytes, over the ${maxBody}-byte limit`, 413, started);
      return;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      unreadable(res, text, `the request body is not JSON: ${errorMessage(error)}`, 400, started);
      return;
    }
    const parsed = parseAdmissionReview(doc);
    if (!parsed.ok) {
      if (parsed.uid) finish(res, invalidReview(parsed.apiVersion, parsed.uid, parsed.problem, options.context.config, randomUUID(), started));
      else {
        log('warn', `invalid admission request without a readable uid: ${parsed.problem}`);
        sendProblem(res, 400, 'Not an AdmissionReview', parsed.problem);
      }
      return;
    }
    try {
      finish(res, await admit(parsed, options.context, { mutate }));
    } catch (error) {
      // A bug must not take the webhook down: answer this request per the default and go on.
      log('error', `admission failed: ${errorMessage(error)}`, { uid: parsed.request.uid, stack: (error as Error).stack });
      finish(res, invalidReview(parsed.apiVersion, parsed.request.uid, `internal error: ${errorMessage(error)}`, options.context.config, randomUUID(), started));
    }
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://webhook.invalid');
    const route = url.pathname;
    const handle = async (): Promise<void> => {
      if (route === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (route === '/readyz') {
        const policy = options.context.policy();
        return policy ? sendJson(res, 200, { status: 'ready', policy: `${policy.name}@${policy.version}` }) : sendProblem(res, 503, 'Not ready', 'no policy loaded yet');
      }
      const mutate = route === MUTATE_PATH;
      if (route !== VALIDATE_PATH && !(mutate && options.mutate)) return sendProblem(res, 404, 'Not found', `no route ${route.slice(0, 200)}`);
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return sendProblem(res, 405, 'Method not allowed', `${route} takes POST`);
      }
      await review(req, res, mutate);
    };
    handle().catch((error: unknown) => {
      log('error', `request handling failed: ${errorMessage(error)}`);
      if (!res.headersSent) sendProblem(res, 500, 'Internal error', 'the webhook could not answer this request');
      else res.destroy();
    });
  });
  server.on('tlsClientError', () => undefined);
  server.on('clientError', (_error, socket) => socket.destroy());

  const certificate = watchCertificate(options, pair, (next) => server.setSecureContext({ cert: next.cert, key: next.key }), {
    ...(options.certificatePollMs !== undefined ? { pollMs: options.certificatePollMs } : {}),
    onReload: () => log('info', 'serving certificate reloaded', { certFile: options.certFile }),
    onError: (message) => log('warn', message),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `https://${host}:${port}`,
    port,
    server,
    reloadCertificate: () => certificate.reload(),
    async close() {
      certificate.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

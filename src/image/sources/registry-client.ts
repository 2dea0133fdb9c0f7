/**
 * An HTTP client for one repository of an OCI Distribution (v2) registry,
 * built on node's fetch: picks the scheme (HTTPS, plain HTTP only when
 * allowed), answers auth challenges (anonymous or credentialed Bearer
 * tokens, Basic), follows redirects without leaking credentials to other
 * hosts, and bounds every response in size and time.
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import { BadInputError, BulkheadError, ImageFormatError, LimitExceededError } from '../../domain/errors.js';
import type { RegistryCredentials } from './docker-config.js';
import { parseAuthChallenges } from './registry-auth-challenge.js';
import { RegistryError } from './registry-error.js';
import type { AuthChallenge } from './registry-auth-challenge.js';

export interface RegistryClientOptions {
  /** Registry as the user named it (`docker.io`, `localhost:5000`): used in messages. */
  readonly registry: string;
  /** host[:port] serving the API. */
  readonly apiHost: string;
  /** Repository path (`library/debian`). */
  readonly repository: string;
  /** Allow plain HTTP (after HTTPS fails), as Docker's insecure-registries does. */
  readonly insecure: boolean;
  readonly credentials?: RegistryCredentials;
  /** Longest wait for response headers and between two body chunks. */
  readonly timeoutMs: number;
}

export interface RegistryResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly url: string;
}

export interface RegistryClient {
  readonly baseUrl: () => string;
  /** GETs a document under /v2/<repository>/ and returns its bytes, refusing more than maxBytes. */
  getDocument(
    path: string,
    accept: string,
    maxBytes: number,
    what: string,
  ): Promise<{ readonly body: Buffer; readonly response: RegistryResponse }>;
  /** Streams a blob; the stream fails if more or fewer than `size` bytes arrive (when size is given). */
  openBlob(digest: string, size: number | undefined, what: string): Promise<Readable>;
}

const USER_AGENT = 'bulkhead (+https://github.com/bulkhead)';
const MAX_REDIRECTS = 5;
const MAX_TOKEN_BYTES = 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 64 * 1024;

const tokenResponseSchema = z.object({
  token: z.string().max(MAX_TOKEN_BYTES).optional(),
  access_token: z.string().max(MAX_TOKEN_BYTES).optional(),
});

const errorBodySchema = z.object({
  errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional() })).optional(),
});

class TimeoutSignal extends Error {}

/** One fetch under an AbortController whose timer the caller can re-arm (idle timeout). */
interface Exchange {
  readonly response: Response;
  readonly url: string;
  /** Re-arms the idle timer; call on each body chunk. */
  touch(): void;
  /** Stops the timer and releases the connection. */
  done(): void;
  timedOut(): boolean;
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || /^127(?:\.[0-9]{1,3}){3}$/.test(hostname) || hostname === '[::1]' || hostname === '::1';
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const { registry, apiHost, repository, timeoutMs } = options;
  let base: string | undefined;
  let authorization: string | undefined;
  let challenge: AuthChallenge | undefined;
  const seconds = `${Math.round(timeoutMs / 100) / 10}s`;

  async function exchange(url: string, init: RequestInit): Promise<Exchange> {
    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new TimeoutSignal());
      }, timeoutMs);
    };
    arm();
    try {
      const response = await fetch(url, { ...init, redirect: 'manual', signal: controller.signal });
      return {
        response,
        url,
        touch: arm,
        done() {
          clearTimeout(timer);
          // Dropping an unread body keeps the socket busy; cancel it so the connection is released.
          if (!response.bodyUsed) response.body?.cancel().catch(() => undefined);
        },
        timedOut: () => timedOut,
      };
    } catch (error) {
      clearTimeout(timer);
      if (timedOut) throw new RegistryError(`registry ${registry} did not answer within ${seconds} (${init.method ?? 'GET'} ${url})`);
      throw new RegistryError(`cannot reach registry ${registry} at ${url}: ${describeFetchError(error)}`, { cause: error });
    }
  }

  /** Follows redirects by hand so Authorization only goes to the origin that asked for it. */
  async function request(url: string, headers: Record<string, string>, method = 'GET'): Promise<Exchange> {
    let current = url;
    const origin = new URL(url).origin;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const sameOrigin = new URL(current).origin === origin;
      const sent: Record<string, string> = { 'user-agent': USER_AGENT, ...headers };
      if (!sameOrigin) delete sent.authorization;
      const ex = await exchange(current, { method, headers: sent });
      const { status } = ex.response;
      if (status < 300 || status >= 400 || status === 304) return ex;
      const location = ex.response.headers.get('location');
      ex.done();
      if (!location) throw new RegistryError(`registry ${registry} answered ${status} without a Location for ${current}`);
      const next = new URL(location, current);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new RegistryError(`registry ${registry} redirected to unsupported URL scheme ${next.protocol}`);
      }
      if (next.protocol === 'http:' && new URL(current).protocol === 'https:' && !options.insecure && !isLoopbackHost(next.hostname)) {
        throw new RegistryError(`registry ${registry} redirected from HTTPS to plain HTTP (${next.origin}); pass --insecure to allow it`);
      }
      current = next.href;
    }
    throw new RegistryError(`registry ${registry} redirected more than ${MAX_REDIRECTS} times for ${url}`);
  }

  async function readBounded(ex: Exchange, maxBytes: number, what: string): Promise<Buffer> {
    const declared = ex.response.headers.get('content-length');
    if (declared !== null && Number(declared) > maxBytes) {
      ex.done();
      throw new LimitExceededError(`${what} is ${declared} bytes; more than the ${maxBytes}-byte limit`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const body = ex.response.body;
    if (!body) {
      ex.done();
      return Buffer.alloc(0);
    }
    const reader = body.getReader();
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        ex.touch();
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new LimitExceededError(`${what} is larger than the ${maxBytes}-byte limit`);
        }
        chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      }
    } catch (error) {
      if (error instanceof BulkheadError) throw error;
      if (ex.timedOut()) throw new RegistryError(`registry ${registry} stalled for ${seconds} while sending ${what}`);
      throw new RegistryError(`connection to registry ${registry} broke while reading ${what}: ${describeFetchError(error)}`, { cause: error });
    } finally {
      ex.done();
    }
    if (declared !== null && Number(declared) !== total) {
      throw new ImageFormatError(`${what} is truncated: got ${total} of ${declared} bytes`);
    }
    return Buffer.concat(chunks, total);
  }

  async function errorDetail(ex: Exchange): Promise<string> {
    try {
      const text = (await readBounded(ex, MAX_ERROR_BODY_BYTES, 'error body')).toString('utf8');
      const parsed = errorBodySchema.safeParse(JSON.parse(text));
      const first = parsed.success ? parsed.data.errors?.[0] : undefined;
      if (first) return [first.code, first.message].filter(Boolean).join(': ');
      return text.trim().slice(0, 200);
    } catch {
      return '';
    }
  }

  const authRequired = (): BadInputError =>
    new BadInputError(`authentication required for ${registry}: run docker login or pass --username/--password-stdin`);
  const authFailed = (detail: string): BadInputError =>
    new BadInputError(
      `authentication failed for ${registry} as ${options.credentials?.username ?? 'the configured identity'}${detail ? ` (${detail})` : ''}: check the credentials (docker login or --username/--password-stdin)`,
    );

  function basicHeader(): string | undefined {
    const c = options.credentials;
    if (!c?.username) return undefined;
    return `Basic ${Buffer.from(`${c.username}:${c.password ?? ''}`).toString('base64')}`;
  }

  async function fetchToken(ch: AuthChallenge, scopeFromChallenge: string | undefined): Promise<string> {
    const realm = ch.params.realm;
    if (!realm) throw new RegistryError(`registry ${registry} sent a Bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError(`registry ${registry} sent an invalid token realm ${JSON.stringify(realm.slice(0, 200))}`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (options.insecure || isLoopbackHost(url.hostname)))) {
      throw new RegistryError(`registry ${registry} wants tokens from ${url.origin}, which is not HTTPS; pass --insecure to allow it`);
    }
    const scope = scopeFromChallenge ?? `repository:${repository}:pull`;
    const service = ch.params.service;
    const identityToken = options.credentials?.identityToken;
    let ex: Exchange;
    if (identityToken) {
      // docker login with an identity provider stores a refresh token; trade it for an access token (OAuth2 form POST).
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: identityToken, client_id: 'bulkhead', scope });
      if (service) form.set('service', service);
      ex = await exchange(url.href, {
        method: 'POST',
        headers: { 'user-agent': USER_AGENT, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    } else {
      if (service) url.searchParams.set('service', service);
      url.searchParams.set('scope', scope);
      const basic = basicHeader();
      ex = await request(url.href, basic ? { authorization: basic } : {});
    }
    const status = ex.response.status;
    if (status === 401 || status === 403) {
      const detail = await errorDetail(ex);
      throw options.credentials ? authFailed(detail) : authRequired();
    }
    if (status !== 200) {
      const detail = await errorDetail(ex);
      throw new RegistryError(`token server ${url.origin} for ${registry} answered ${status}${detail ? `: ${detail}` : ''}`);
    }
    const text = (await readBounded(ex, MAX_TOKEN_BYTES, `token from ${url.origin}`)).toString('utf8');
    let parsed: z.infer<typeof tokenResponseSchema>;
    try {
      parsed = tokenResponseSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new RegistryError(`token server ${url.origin} for ${registry} sent an invalid response`, { cause: error });
    }
    const token = parsed.token || parsed.access_token;
    if (!token) throw new RegistryError(`token server ${url.origin} for ${registry} sent no token`);
    return `Bearer ${token}`;
  }

  async function answer(ch: AuthChallenge): Promise<void> {
    challenge = ch;
    if (ch.scheme === 'bearer') {
      authorization = await fetchToken(ch, ch.params.scope);
    } else if (ch.scheme === 'basic') {
      const basic = basicHeader();
      if (!basic) throw authRequired();
      authorization = basic;
    } else {
      throw new RegistryError(`registry ${registry} asks for unsupported authentication scheme ${ch.scheme}`);
    }
  }

  function pickChallenge(response: Response): AuthChallenge | undefined {
    const header = response.headers.get('www-authenticate');
    if (!header) return undefined;
    const all = parseAuthChallenges(header);
    return all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic') ?? all[0];
  }

  /** GET /v2/: picks the scheme and learns the auth challenge, like `docker pull` does. */
  async function ping(): Promise<void> {
    if (base !== undefined) return;
    const attempts = [`https://${apiHost}`];
    if (options.insecure) attempts.push(`http://${apiHost}`);
    let lastError: unknown;
    for (const candidate of attempts) {
      let ex: Exchange;
      try {
        ex = await request(`${candidate}/v2/`, {});
      } catch (error) {
        lastError = error;
        continue;
      }
      const status = ex.response.status;
      const ch = status === 401 ? pickChallenge(ex.response) : undefined;
      ex.done();
      if (status !== 200 && status !== 401) {
        throw new RegistryError(`${candidate}/v2/ answered ${status}: ${registry} does not look like an OCI/Docker registry`);
      }
      base = candidate;
      if (ch) await answer(ch);
      return;
    }
    const hint = options.insecure ? '' : isLoopbackHost(apiHost.replace(/:[0-9]+$/, '')) ? ' (a plain-HTTP registry needs --insecure)' : '';
    const message = lastError instanceof Error ? lastError.message : String(lastError);
    throw new RegistryError(`${message}${hint}`, { cause: lastError });
  }

  /** Sends a request under /v2/<repository>/, answering one fresh auth challenge if the registry raises it. */
  async function authorized(path: string, headers: Record<string, string>): Promise<Exchange> {
    await ping();
    const url = `${base}/v2/${repository}/${path}`;
    const send = (): Promise<Exchange> => request(url, { ...headers, ...(authorization ? { authorization } : {}) });
    let ex = await send();
    if (ex.response.status === 401) {
      const ch = pickChallenge(ex.response);
      ex.done();
      // Retry once: a registry may challenge for a wider scope than the ping's, or the token may have expired.
      if (!ch || (ch.scheme === 'basic' && challenge?.scheme === 'basic' && authorization)) {
        throw options.credentials ? authFailed('') : authRequired();
      }
      await answer(ch);
      ex = await send();
      if (ex.response.status === 401) {
        ex.done();
        throw options.credentials ? authFailed('') : authRequired();
      }
    }
    if (ex.response.status === 403) {
      const detail = await errorDetail(ex);
      throw new BadInputError(`access to ${repository} on ${registry} denied${detail ? ` (${detail})` : ''}`);
    }
    return ex;
  }

  async function failOnStatus(ex: Exchange, what: string): Promise<never> {
    const status = ex.response.status;
    const detail = await errorDetail(ex);
    throw new RegistryError(`registry ${registry} answered ${status} for ${what}${detail ? `: ${detail}` : ''}`);
  }

  return {
    baseUrl: () => base ?? `https://${apiHost}`,

    async getDocument(path, accept, maxBytes, what) {
      const ex = await authorized(path, { accept });
      if (ex.response.status === 404) {
        ex.done();
        throw new BadInputError(`manifest unknown: ${what}`);
      }
      if (ex.response.status !== 200) return failOnStatus(ex, what);
      const body = await readBounded(ex, maxBytes, what);
      return { body, response: { status: ex.response.status, headers: ex.response.headers, url: ex.url } };
    },

    async openBlob(digest, size, what) {
      const ex = await authorized(`blobs/${digest}`, {});
      if (ex.response.status === 404) {
        ex.done();
        throw new ImageFormatError(`blob unknown: ${what} is missing from ${registry}/${repository}`);
      }
      if (ex.response.status !== 200) return failOnStatus(ex, what);
      const declared = ex.response.headers.get('content-length');
      if (size !== undefined && declared !== null && Number(declared) !== size) {
        ex.done();
        throw new ImageFormatError(`${what}: registry sends ${declared} bytes, its descriptor says ${size}`);
      }
      const body = ex.response.body;
      if (!body) {
        ex.done();
        throw new ImageFormatError(`${what}: registry sent no body`);
      }
      async function* chunks(): AsyncGenerator<Buffer> {
        const reader = body!.getReader();
        let total = 0;
        let finished = false;
        try {
          while (true) {
            let step: Awaited<ReturnType<typeof reader.read>>;
            try {
              step = await reader.read();
            } catch (error) {
              if (ex.timedOut()) throw new RegistryError(`registry ${registry} stalled for ${seconds} while sending ${what}`);
              throw new RegistryError(`connection to registry ${registry} broke while reading ${what}: ${describeFetchError(error)}`, {
                cause: error,
              });
            }
            if (step.done) break;
            ex.touch();
            total += step.value.byteLength;
            if (size !== undefined && total > size) throw new ImageFormatError(`${what} is longer than its descriptor's ${size} bytes`);
            yield Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength);
          }
          if (size !== undefined && total !== size) throw new ImageFormatError(`${what} is truncated: got ${total} of ${size} bytes`);
          finished = true;
        } finally {
          if (!finished) await reader.cancel().catch(() => undefined);
          ex.done();
        }
      }
      return Readable.from(chunks(), { objectMode: false });
    },
  };
}

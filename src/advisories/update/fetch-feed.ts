/**
 * Downloads one feed document with node's fetch: conditional (ETag /
 * Last-Modified → 304), bounded in size, with a deadline for the response
 * headers and an idle timeout between body chunks, so a stalled server fails
 * the update instead of hanging it. `file://` URLs read a local mirror; plain
 * http is accepted for loopback mirrors only.
 */
import { fileURLToPath } from 'node:url';
import { BadInputError, LimitExceededError } from '../../domain/errors.js';
import { readFileBounded } from '../import/import-paths.js';

export interface FetchOptions {
  readonly maxBytes: number;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly etag?: string;
  readonly lastModified?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly onProgress?: (received: number, total: number | undefined) => void;
}

export type FetchResult =
  | { readonly status: 'not-modified' }
  | { readonly status: 'ok'; readonly data: Buffer; readonly etag?: string; readonly lastModified?: string };

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

export async function fetchFeed(url: string, options: FetchOptions): Promise<FetchResult> {
  const u = new URL(url);
  if (u.protocol === 'file:') return { status: 'ok', data: readFileBounded(fileURLToPath(u), options.maxBytes) };
  if (u.protocol === 'http:' && !LOOPBACK.test(u.hostname)) throw new BadInputError(`${url}: plain http is accepted for loopback mirrors only; use https`);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new BadInputError(`${url}: unsupported URL scheme`);
  const controller = new AbortController();
  let timedOut: string | undefined;
  let timer = setTimeout(() => {
    timedOut = `no response within ${options.connectTimeoutMs / 1000}s`;
    controller.abort();
  }, options.connectTimeoutMs);
  const headers: Record<string, string> = { 'user-agent': 'bulkhead-advisory-update', ...options.headers };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  try {
    const res = await fetch(u, { headers, signal: controller.signal, redirect: 'follow' });
    if (res.status === 304) {
      await res.body?.cancel();
      return { status: 'not-modified' };
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new BadInputError(`${url}: HTTP ${res.status} ${res.statusText}`.trim());
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > options.maxBytes) throw new LimitExceededError(`${url}: ${declared} bytes is over the ${options.maxBytes}-byte limit`);
    const chunks: Buffer[] = [];
    let received = 0;
    const reader = res.body?.getReader();
    if (!reader) throw new BadInputError(`${url}: empty response`);
    const resetIdle = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = `stalled: no data for ${options.idleTimeoutMs / 1000}s`;
        controller.abort();
      }, options.idleTimeoutMs);
    };
    resetIdle();
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > options.maxBytes) {
        controller.abort();
        throw new LimitExceededError(`${url}: response exceeds the ${options.maxBytes}-byte limit`);
      }
      chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      options.onProgress?.(received, Number.isFinite(declared) ? declared : undefined);
      resetIdle();
    }
    if (Number.isFinite(declared) && received !== declared) throw new BadInputError(`${url}: truncated response (${received} of ${declared} bytes)`);
    const etag = res.headers.get('etag') ?? undefined;
    const lastModified = res.headers.get('last-modified') ?? undefined;
    return { status: 'ok', data: Buffer.concat(chunks, received), ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
  } catch (error) {
    if (timedOut) throw new BadInputError(`${url}: ${timedOut}`, { cause: error });
    if (error instanceof BadInputError) throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new BadInputError(`${url}: download failed (${cause?.code ?? cause?.message ?? (error as Error).message})`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How a console endpoint is declared. Each area's routes live in
 * routes/<area>.ts as an array of ConsoleRoute and are listed in
 * routes/index.ts; the server mounts them, authenticates, checks `access`,
 * validates params/query/body with the zod schemas (400 problem+json on
 * failure) and builds the OpenAPI document from the same declarations.
 */
import type { z } from 'zod';
import type { ConsoleContext } from './context.js';
import type { Principal, Role } from './principal.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call it: 'public' (no authentication: health, login, registry
 * webhooks that check their own secret), or the roles allowed. `admin` is
 * always allowed and need not be listed.
 */
export type RouteAccess = 'public' | readonly Role[];

export interface RouteRequest<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** Undefined only on public routes. */
  readonly principal: Principal | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body for routes that set rawBody (signature checks), else undefined. */
  readonly rawBody?: Buffer;
  readonly ip: string;
}

export interface RouteReply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON-serialized unless it is a string or Buffer (then sent as is). */
  readonly body?: unknown;
}

export interface ConsoleRoute<P = unknown, Q = unknown, B = unknown> {
  readonly method: HttpMethod;
  /** Fastify path syntax under the server root: '/api/v1/images/:digest'. */
  readonly url: string;
  readonly summary: string;
  /** OpenAPI tag: 'images', 'policies', … */
  readonly tag: string;
  readonly access: RouteAccess;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** For the OpenAPI document only. */
  readonly response?: z.ZodType;
  /** Bytes; default the server's limit (1 MiB). Scan uploads raise it. */
  readonly bodyLimit?: number;
  /** Keep the raw request body (HMAC checks). */
  readonly rawBody?: boolean;
  /**
   * GET only: the answer may be kept in the response cache
   * (server/response-cache.ts) — set it only when the answer depends on
   * nothing but the store, params, query and the principal's role and scope
   * (no clock, no other file, no side effect).
   */
  readonly cache?: boolean;
  handler(request: RouteRequest<P, Q, B>, ctx: ConsoleContext): Promise<RouteReply>;
}

/** Declares a route with its schema types inferred. */
export function route<P = unknown, Q = unknown, B = unknown>(r: ConsoleRoute<P, Q, B>): ConsoleRoute {
  return r as unknown as ConsoleRoute;
}

/** An error a handler throws to answer with an RFC 9457 problem. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra?: Readonly<Record<string, unknown>>,
  ) {
    super(detail ?? title);
  }
}

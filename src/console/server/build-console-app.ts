/**
 * The console's HTTP application: mounts every ConsoleRoute (routes/index.ts)
 * on fastify with authentication, the role check, CSRF for cookie sessions,
 * zod validation of params/query/body and body limits in front of each
 * handler, and answers every error — unknown path, wrong method, bad JSON,
 * oversized body, thrown ProblemError or a bug — as problem+json.
 */
import { randomUUID } from 'node:crypto';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import cookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { authenticate } from '../auth/authenticate.js';
import { mayAccess } from '../auth/may-access.js';
import { sameSecret } from '../auth/secret-digest.js';
import type { ConsoleContext } from '../context.js';
import type { Principal } from '../principal.js';
import { ProblemError, type ConsoleRoute, type RouteReply } from '../route.js';
import { ROUTES } from '../routes/index.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { problem, PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';
import { createResponseCache, notModified, type CachedAnswer, type ResponseCache } from './response-cache.js';

export interface ConsoleAppOptions {
  /** TLS key and certificate; without it the app speaks plain HTTP (startConsole allows that on loopback only). */
  readonly https?: HttpsServerOptions;
  /** Routes to mount (default: every route in routes/index.ts). */
  readonly routes?: readonly ConsoleRoute[];
  /**
   * Addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed
   * for the client address (login throttling, audit). Default none: behind an
   * undeclared proxy every client would share the proxy's address.
   */
  readonly trustProxy?: readonly string[];
  /** The cache for routes that set `cache` (default: one made from ctx.config.responseCache). */
  readonly responseCache?: ResponseCache;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const OPENAPI_URL = '/api/v1/openapi.json';
/** A successful read slower than this is logged at info all the same. */
const SLOW_MS = 1_000;

declare module 'fastify' {
  interface FastifyRequest {
    rawBodyBuffer?: Buffer;
  }
}

function pathRegex(url: string): RegExp {
  const pattern = url.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${pattern}/?$`);
}

function validationProblem(where: string, error: z.ZodError): ProblemError {
  const errors = error.issues.slice(0, 20).map((issue) => ({
    in: where,
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = errors[0];
  return new ProblemError(400, 'Invalid request', first ? `${where}${first.path ? ` ${first.path}` : ''}: ${first.message}` : `invalid ${where}`, { errors });
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(where, result.error);
  return result.data;
}

function sendProblem(reply: FastifyReply, request: FastifyRequest, p: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(p.status).headers(headers).type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify({ ...p, instance: request.url.split('?')[0], requestId: request.id }));
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** A cacheable route's 200 answer: clients may keep it but must revalidate (If-None-Match → 304). */
function sendCacheable(reply: FastifyReply, request: FastifyRequest, answer: CachedAnswer): FastifyReply {
  reply.header('etag', answer.etag).header('cache-control', 'private, no-cache');
  if (notModified(request.headers['if-none-match'], answer.etag)) return reply.code(304).send();
  return reply.code(200).type(JSON_TYPE).send(answer.body);
}

function cacheKey(url: string, params: unknown, query: unknown, principal: Principal | undefined): string {
  // Role and resolved scope, not the principal's id: equal scopes compute equal answers, unequal ones never share.
  return `${url}\n${JSON.stringify(params)}\n${JSON.stringify(query)}\n${principal?.role ?? 'anonymous'}\n${JSON.stringify(principal?.scope ?? 'none')}`;
}

function sendReply(reply: FastifyReply, out: RouteReply): FastifyReply {
  reply.code(out.status ?? (out.body === undefined ? 204 : 200));
  if (out.headers) reply.headers(out.headers);
  if (out.body === undefined) return reply.send();
  if (typeof out.body === 'string' || Buffer.isBuffer(out.body)) return reply.send(out.body);
  if (!reply.hasHeader('content-type')) reply.type(JSON_TYPE);
  return reply.send(JSON.stringify(out.body));
}

export async function buildConsoleApp(ctx: ConsoleContext, options: ConsoleAppOptions = {}): Promise<FastifyInstance> {
  const routes = options.routes ?? ROUTES;
  const secure = options.https !== undefined;
  const cache = options.responseCache ?? createResponseCache(ctx.store, ctx.config.responseCache);
  const caching = ctx.config.responseCache.enabled;
  const app = Fastify({
    loggerInstance: ctx.log,
    ...(options.https ? { https: options.https } : {}),
    ...(options.trustProxy?.length ? { trustProxy: [...options.trustProxy] } : {}),
    bodyLimit: ctx.config.bodyLimit,
    // Clients may pass their own id for correlation; anything odd is replaced.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Slow clients cannot hold a request open forever; scan uploads get minutes.
    requestTimeout: 10 * 60_000,
    connectionTimeout: 10 * 60_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    // One line per request, written in onResponse below (fastify's own two lines per request cost a third of a cached answer's CPU).
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    ajv: { customOptions: { strict: false } },
  }) as unknown as FastifyInstance;

  await app.register(cookie);

  // JSON bodies are parsed here (prototype-poisoning safe) and the raw bytes kept for routes that sign-check them.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json']);
  for (const type of ['application/json', /^application\/[\w.+-]+\+json$/]) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (request, body: Buffer, done) => {
      request.rawBodyBuffer = body;
      jsonParser(request, body as unknown as string, done);
    });
  }

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    if (secure) reply.header('strict-transport-security', 'max-age=31536000');
    done();
  });

  // Reads that succeeded are the bulk of the traffic and say nothing new: debug. Writes, errors and slow requests: info.
  app.addHook('onResponse', (request, reply, done) => {
    const quiet = (request.method === 'GET' || request.method === 'HEAD') && reply.statusCode < 400 && reply.elapsedTime < SLOW_MS;
    if (quiet ? ctx.log.isLevelEnabled('debug') : ctx.log.isLevelEnabled('info')) {
      const line = { req: { method: request.method, url: request.url, remoteAddress: request.ip }, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
      if (quiet) request.log.debug(line, 'request completed');
      else request.log.info(line, 'request completed');
    }
    done();
  });

  const mounted: Array<{ method: string; regex: RegExp }> = [];

  for (const r of routes) {
    mounted.push({ method: r.method, regex: pathRegex(r.url) });
    app.route({
      method: r.method,
      url: r.url,
      bodyLimit: r.bodyLimit ?? ctx.config.bodyLimit,
      handler: async (request, reply) => {
        let principal: Principal | undefined;
        if (r.access !== 'public' || request.headers.authorization !== undefined) {
          const who = await authenticate(ctx, { authorization: request.headers.authorization, cookies: request.cookies });
          if (!who && r.access !== 'public') {
            throw new ProblemError(401, 'Unauthorized', 'log in or send "Authorization: Bearer <token>"', { wwwAuthenticate: 'Bearer', code: 'unauthenticated' });
          }
          principal = who?.principal;
          if (who?.via === 'session' && MUTATING.has(r.method)) {
            const sent = request.headers['x-csrf-token'];
            if (typeof sent !== 'string' || !who.principal.csrfToken || !sameSecret(sent, who.principal.csrfToken)) {
              throw new ProblemError(403, 'CSRF token missing or wrong', 'send the csrfToken from the login answer in the x-csrf-token header', { code: 'csrf' });
            }
          }
        }
        if (!mayAccess(r.access, principal)) {
          throw new ProblemError(403, 'Forbidden', `role ${principal?.role ?? 'anonymous'} may not ${r.method} ${r.url}`, { code: 'role-not-allowed' });
        }
        const params = parse(r.params, request.params, 'path');
        const query = parse(r.query, request.query, 'query');
        const body = parse(r.body, request.body, 'body');
        const run = () => r.handler({
          params,
          query,
          body,
          principal,
          headers: request.headers,
          ...(r.rawBody ? { rawBody: request.rawBodyBuffer ?? Buffer.alloc(0) } : {}),
          ip: request.ip,
        }, ctx);
        if (!caching || r.cache !== true || r.method !== 'GET') return sendReply(reply, await run());
        const out = await cache.respond(cacheKey(r.url, params, query, principal), async () => {
          const computed = await run();
          const plain = (computed.status ?? 200) === 200 && computed.headers === undefined && typeof computed.body === 'object' && computed.body !== null && !Buffer.isBuffer(computed.body);
          return plain ? JSON.stringify(computed.body) : computed;
        });
        return 'etag' in out ? sendCacheable(reply, request, out) : sendReply(reply, out);
      },
    });
  }

  let openapi: string | undefined;
  mounted.push({ method: 'GET', regex: pathRegex(OPENAPI_URL) });
  app.get(OPENAPI_URL, async (_request, reply) => {
    openapi ??= JSON.stringify(buildOpenApiDocument(routes));
    return reply.type('application/json; charset=utf-8').send(openapi);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] as string;
    const allowed = [...new Set(mounted.filter((m) => m.regex.test(path)).map((m) => m.method))];
    if (allowed.length) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      return sendProblem(reply, request, problem(405, undefined, `${request.method} is not allowed here; use ${allowed.join(', ')}`), { allow: allowed.join(', ') });
    }
    return sendProblem(reply, request, problem(404, undefined, `no endpoint ${path}`));
  });

  app.setErrorHandler(async (error: unknown, request, reply) => {
    if (error instanceof ProblemError) {
      const { wwwAuthenticate, retryAfter, ...extra } = error.extra ?? {};
      const headers: Record<string, string> = {};
      if (typeof wwwAuthenticate === 'string') headers['www-authenticate'] = wwwAuthenticate;
      if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
      if (error.status >= 500) request.log.error({ err: error }, 'handler answered with a server error');
      return sendProblem(reply, request, problem(error.status, error.title, error.detail, extra), headers);
    }
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // fastify's own client errors (bad JSON, body too large, unsupported media type) carry safe messages.
      return sendProblem(reply, request, problem(status, undefined, (error as Error).message));
    }
    const errorId = randomUUID();
    request.log.error({ err: error, errorId }, 'unexpected error');
    return sendProblem(reply, request, problem(500, undefined, `an unexpected error occurred; the server log has it under id ${errorId}`, { errorId }));
  });

  return app;
}

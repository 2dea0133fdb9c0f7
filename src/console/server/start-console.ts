/**
 * Runs a console: configuration → store and services → TLS → listening
 * server, plus the first admin from the environment on a fresh store.
 * close() is the graceful shutdown: stop accepting, let in-flight requests
 * finish, stop the job workers and alert delivery, close the store.
 */
import type { FastifyInstance } from 'fastify';
import { createFirstAdmin, firstAdminFromEnv } from '../auth/first-admin.js';
import type { ConsoleConfig } from '../config.js';
import type { ConsoleContext } from '../context.js';
import { registerJobHandlers } from '../jobs/register-job-handlers.js';
import { buildConsoleApp } from './build-console-app.js';
import { buildContext, type BuildContextOptions } from './build-context.js';
import { createResponseCache, type ResponseCache } from './response-cache.js';
import { tlsMaterial } from './tls-material.js';

export interface RunningConsole {
  readonly url: string;
  readonly ctx: ConsoleContext;
  readonly app: FastifyInstance;
  /** The answers kept for cacheable GET routes (hit counts for benchmarks and tests). */
  readonly responseCache: ResponseCache;
  /** The certificate file served, when TLS is on. */
  readonly certFile?: string;
  close(): Promise<void>;
}

export interface StartConsoleOptions extends BuildContextOptions {
  /** Where BULKHEAD_ADMIN_USER / BULKHEAD_ADMIN_PASSWORD are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** `serve --init-admin`: the first admin to create before listening (ignored, with a warning, when users exist). */
  readonly initAdmin?: { readonly name: string; readonly password: string };
  /**
   * With config.workers, register every job kind and start the schedules and
   * continuous monitoring in this process, as `bulkhead worker` does (default
   * true; the test fixture turns it off and lets each test register what it needs).
   */
  readonly jobHandlers?: boolean;
  /** Reverse proxies whose X-Forwarded-For is believed (see ConsoleAppOptions). */
  readonly trustProxy?: readonly string[];
}

export async function startConsole(config: ConsoleConfig, options: StartConsoleOptions = {}): Promise<RunningConsole> {
  // Refuse an unsafe listener before touching the store.
  const tls = await tlsMaterial(config);
  const services = await buildContext(config, options);
  const { ctx } = services;
  let workers: ReturnType<typeof registerJobHandlers> | undefined;
  let app: FastifyInstance | undefined;
  try {
    if (options.initAdmin) {
      const created = await createFirstAdmin(ctx, options.initAdmin.name, options.initAdmin.password);
      if (created) ctx.log.info({ user: created.name }, 'created the first admin (--init-admin)');
      else ctx.log.warn('--init-admin ignored: the console has users already');
    }
    const admin = await firstAdminFromEnv(ctx, options.env ?? process.env);
    if (admin) ctx.log.info({ user: admin.name }, 'created the first admin from BULKHEAD_ADMIN_USER');
    const responseCache = createResponseCache(ctx.store, config.responseCache);
    app = await buildConsoleApp(ctx, {
      responseCache,
      ...(tls ? { https: { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' as const } } : {}),
      ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    });
    workers = config.workers && options.jobHandlers !== false ? registerJobHandlers(ctx) : undefined;
    await app.listen({ host: config.listen.host, port: config.listen.port });
    await services.start();
    await workers?.start();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.listen.port;
    const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
    const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
    ctx.log.info({ url, store: ctx.store.location, dialect: ctx.store.dialect, tls: config.tls.mode }, 'console listening');
    let closing: Promise<void> | undefined;
    const listening = app;
    return {
      url,
      ctx,
      app: listening,
      responseCache,
      ...(tls ? { certFile: tls.certFile } : {}),
      close() {
        closing ??= (async () => {
          // Requests in flight finish first, then the schedules and monitoring, then the job workers and the store.
          await listening.close();
          await workers?.stop().catch((error: unknown) => ctx.log.error({ err: error }, 'stopping the schedules failed'));
          await services.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await workers?.stop().catch(() => undefined);
    await services.close();
    throw error;
  }
}

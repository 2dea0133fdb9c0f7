/**
 * A private Docker registry (Debian's docker-registry, distribution 2.8) on
 * 127.0.0.1, plain HTTP, filesystem storage below its own root. dockerd treats
 * 127.0.0.0/8 registries as insecure by itself, so `docker push` just works.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './free-port.js';
import { spawnRegistry } from './service-process.js';
import { waitUntil } from './wait-until.js';

/** A webhook the registry calls on push and pull events (distribution's `notifications.endpoints`). */
export interface RegistryNotificationEndpoint {
  readonly name: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  readonly timeout?: string;
  readonly threshold?: number;
  readonly backoff?: string;
}

export interface RegistryOptions {
  /** Empty directory the registry owns: config, storage and log go below it. */
  readonly root: string;
  readonly notifications?: readonly RegistryNotificationEndpoint[];
  readonly startTimeoutMs?: number;
}

export interface LocalRegistry {
  /** host:port as image references spell it, e.g. 127.0.0.1:41234 */
  readonly host: string;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  /** Filesystem storage root: content-addressed, so a snapshot of it can seed another registry. */
  readonly storageDir: string;
  stop(): Promise<void>;
}

const ATTEMPTS = 3;

export async function startRegistry(options: RegistryOptions): Promise<LocalRegistry> {
  const root = path.resolve(options.root);
  await mkdir(path.join(root, 'storage'), { recursive: true });
  let lastError: unknown;
  // The free port may be taken between choosing and binding it; try a fresh one.
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      return await startOnce(root, await freePort(), options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(root: string, port: number, options: RegistryOptions): Promise<LocalRegistry> {
  const host = `127.0.0.1:${port}`;
  const configFile = path.join(root, 'config.yml');
  const logFile = path.join(root, 'registry.log');
  const storageDir = path.join(root, 'storage');
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'info', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: storageDir },
      delete: { enabled: true },
      cache: { blobdescriptor: 'inmemory' },
    },
    http: { addr: host, headers: { 'X-Content-Type-Options': ['nosniff'] } },
  };
  if (options.notifications && options.notifications.length > 0) {
    config.notifications = {
      endpoints: options.notifications.map((endpoint) => ({
        timeout: '2s',
        threshold: 5,
        backoff: '1s',
        ...endpoint,
      })),
    };
  }
  await writeFile(configFile, stringify(config));

  const registry = spawnRegistry(configFile, logFile);
  // For .ci/run's sweep after a crashed run; dockerd writes its own pidfile.
  await writeFile(path.join(root, 'registry.pid'), `${registry.pid ?? ''}\n`);
  const stop = registry.terminate;

  const url = `http://${host}`;
  try {
    await waitUntil(
      `docker-registry on ${host} (log: ${logFile})`,
      async () => (await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(2_000) })).status === 200,
      { timeoutMs: options.startTimeoutMs ?? 30_000, stillAlive: registry.exited },
    );
  } catch (error) {
    await stop();
    const log = await readFile(logFile, 'utf8').catch(() => '');
    const tail = log.trim().split('\n').slice(-5).join('\n');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${tail}`);
  }
  return { host, url, pid: registry.pid ?? 0, logFile, storageDir, stop };
}

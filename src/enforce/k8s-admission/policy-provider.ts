/**
 * Where the webhook's policy comes from. Standalone: a policy file or
 * directory, reloaded when it changes (a bad edit keeps the last good
 * policy). Connected: the console's active policy, fetched with ETags on an
 * interval and kept in a local cache file, so a webhook restarted during a
 * console outage still decides with the last policy it saw.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { watchFile, unwatchFile } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { compilePolicy, type PolicySource } from '../../policy/compile-policy.js';
import { loadPolicySet } from '../../policy/load-policy.js';
import type { PolicySet } from '../../policy/policy-set.js';
import type { ConsoleClient } from './console-client.js';
import { errorMessage } from './error-message.js';

export interface PolicyProvider {
  /** The policy to decide with; undefined until one was loaded. */
  current(): PolicySet | undefined;
  /** Loads now (connected: one fetch); resolves when it tried. */
  refresh(): Promise<void>;
  close(): void;
}

/** A file policy is there from the start (a bad file fails the start-up). */
export interface FilePolicyProvider extends PolicyProvider {
  current(): PolicySet;
}

export async function createFilePolicyProvider(file: string, onError: (message: string) => void): Promise<FilePolicyProvider> {
  let policy = await loadPolicySet(file);
  const reload = async (): Promise<void> => {
    try {
      policy = await loadPolicySet(file);
    } catch (error) {
      onError(`policy ${file} not reloaded, keeping ${policy.name}@${policy.version}: ${errorMessage(error)}`);
    }
  };
  const listener = (): void => void reload();
  watchFile(file, { interval: 2000, persistent: false }, listener);
  return {
    current: () => policy,
    refresh: reload,
    close: () => unwatchFile(file, listener),
  };
}

const cacheSchema = z.object({ etag: z.string().optional(), sources: z.array(z.object({ file: z.string(), text: z.string() })).min(1) });

export interface ConsolePolicyOptions {
  readonly client: ConsoleClient;
  /** File the last policy is kept in. */
  readonly cacheFile: string;
  readonly intervalMs: number;
  readonly onError: (message: string) => void;
  readonly onChange?: (policy: PolicySet) => void;
}

export async function createConsolePolicyProvider(options: ConsolePolicyOptions): Promise<PolicyProvider> {
  let policy: PolicySet | undefined;
  let etag: string | undefined;
  try {
    const cached = cacheSchema.parse(JSON.parse(await readFile(options.cacheFile, 'utf8')));
    policy = compilePolicy(cached.sources);
    etag = cached.etag;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.onError(`policy cache ${options.cacheFile} unusable: ${errorMessage(error)}`);
  }

  async function save(sources: readonly PolicySource[], tag: string | undefined): Promise<void> {
    await mkdir(path.dirname(options.cacheFile), { recursive: true });
    const temp = `${options.cacheFile}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ ...(tag ? { etag: tag } : {}), sources }));
    await rename(temp, options.cacheFile);
  }

  async function refresh(): Promise<void> {
    try {
      const answer = await options.client.fetchPolicy(policy ? etag : undefined);
      if (answer.status === 'unchanged') return;
      const next = compilePolicy(answer.sources);
      policy = next;
      etag = answer.etag;
      options.onChange?.(next);
      await save(answer.sources, answer.etag).catch((error: unknown) => options.onError(`cannot write policy cache ${options.cacheFile}: ${errorMessage(error)}`));
    } catch (error) {
      options.onError(`policy not refreshed from the console${policy ? `, keeping ${policy.name}@${policy.version}` : ''}: ${errorMessage(error)}`);
    }
  }

  await refresh();
  const timer = setInterval(() => void refresh(), options.intervalMs);
  timer.unref();
  return { current: () => policy, refresh, close: () => clearInterval(timer) };
}

/**
 * What the defender keeps across restarts and console outages, in one JSON
 * file written atomically (temporary file, then rename): the subjects of the
 * images it scanned and, connected, the last policy the console sent with
 * its ETag. Read strictly: a damaged file is ignored with a warning, never
 * trusted half-way.
 */
import { readFile, rename, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Subject } from '../../domain/subject.js';

const MAX_CACHE_BYTES = 256 * 1024 * 1024;

const cacheSchema = z.object({
  version: z.literal(1),
  /** Image ID → the subject its scan produced (validated by the policy engine's own reads when used). */
  images: z.record(z.string().regex(/^sha256:[0-9a-f]{64}$/), z.looseObject({ packages: z.array(z.unknown()), findings: z.array(z.unknown()) })),
  policy: z.object({ etag: z.string().max(1024), text: z.string().max(16 * 1024 * 1024), file: z.string().max(1024) }).optional(),
});

export interface CachedPolicy {
  readonly etag: string;
  readonly text: string;
  readonly file: string;
}

export interface VerdictCacheContent {
  readonly images: ReadonlyMap<string, Subject>;
  readonly policy?: CachedPolicy;
}

export async function readVerdictCache(file: string, log: (line: string) => void): Promise<VerdictCacheContent> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { images: new Map() };
  }
  if (text.length > MAX_CACHE_BYTES) {
    log(`cache ${file} is larger than ${MAX_CACHE_BYTES} bytes; ignored`);
    return { images: new Map() };
  }
  try {
    const parsed = cacheSchema.parse(JSON.parse(text));
    return { images: new Map(Object.entries(parsed.images) as [string, unknown][] as [string, Subject][]), ...(parsed.policy ? { policy: parsed.policy } : {}) };
  } catch (error) {
    log(`cache ${file} is damaged and was ignored: ${(error as Error).message.slice(0, 200)}`);
    return { images: new Map() };
  }
}

/** Writes are coalesced: the last state wins, at most one write in flight. */
export function verdictCacheWriter(file: string, state: () => VerdictCacheContent, log: (line: string) => void): { schedule(): void; flush(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const write = async (): Promise<void> => {
    const s = state();
    const body = JSON.stringify({ version: 1, images: Object.fromEntries(s.images), ...(s.policy ? { policy: s.policy } : {}) });
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, body, { mode: 0o600 });
    await rename(tmp, file);
  };
  const run = (): Promise<void> => {
    writing = writing.then(write).catch((error: unknown) => log(`writing cache ${file}: ${(error as Error).message}`));
    return writing;
  };
  return {
    schedule() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void run();
      }, 500);
      timer.unref();
    },
    flush() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      return run();
    },
  };
}

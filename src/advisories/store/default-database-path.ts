/** Where the advisory database lives unless `--db FILE` or BULKHEAD_DB say otherwise. */
import { homedir } from 'node:os';
import path from 'node:path';

export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env['BULKHEAD_DB']) return path.resolve(env['BULKHEAD_DB']);
  const cache = env['XDG_CACHE_HOME'] && path.isAbsolute(env['XDG_CACHE_HOME']) ? env['XDG_CACHE_HOME'] : path.join(homedir(), '.cache');
  return path.join(cache, 'bulkhead', 'advisories.db');
}

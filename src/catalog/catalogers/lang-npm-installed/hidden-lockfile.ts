/**
 * npm (v7+) records the installed tree in `node_modules/.package-lock.json`,
 * with the dev/optional/peer flags of each installed path. Installed
 * package.json files do not say whether they are dev dependencies; this does.
 */
import { z } from 'zod';
import type { DependencyScope } from '../../../domain/package.js';
import type { CatalogContext } from '../../cataloger.js';
import { isJsonObject } from '../../../domain/json-object.js';
import { parseJsonText, readSelectedText, validate } from '../lang-shared/index.js';
import { npmScope } from '../lang-npm/index.js';

export const HIDDEN_LOCKFILE = '/node_modules/.package-lock.json';
const MAX_CHARS = 64 * 1024 * 1024;

export const hiddenLockfile = z.looseObject({
  packages: z.record(
    z.string(),
    z.looseObject({ dev: z.boolean().optional(), optional: z.boolean().optional(), devOptional: z.boolean().optional(), peer: z.boolean().optional() }),
  ),
});

const optionalBoolean = (v: unknown): boolean => v === undefined || typeof v === 'boolean';

/** True when hiddenLockfile accepts `value` as it is (its thousands of entries are not copied); false leaves it to zod. */
export function isHiddenLockfileShape(value: unknown): boolean {
  if (!isJsonObject(value) || !isJsonObject(value['packages'])) return false;
  for (const key in value['packages']) {
    const flags = value['packages'][key];
    if (
      !isJsonObject(flags) ||
      !optionalBoolean(flags['dev']) ||
      !optionalBoolean(flags['optional']) ||
      !optionalBoolean(flags['devOptional']) ||
      !optionalBoolean(flags['peer'])
    ) {
      return false;
    }
  }
  return true;
}

/** Scopes by installed package directory ('/app/node_modules/@types/node'), from every hidden lockfile selected. */
export async function hiddenLockfileScopes(ctx: CatalogContext, warn: (message: string, path: string) => void): Promise<Map<string, DependencyScope>> {
  const scopes = new Map<string, DependencyScope>();
  for (const file of ctx.files) {
    if (!file.path.endsWith(HIDDEN_LOCKFILE)) continue;
    const root = file.path.slice(0, -HIDDEN_LOCKFILE.length);
    try {
      const lock = validate(hiddenLockfile, parseJsonText(await readSelectedText(ctx, file, MAX_CHARS), MAX_CHARS), 'node_modules/.package-lock.json', isHiddenLockfileShape);
      for (const [key, flags] of Object.entries(lock.packages)) {
        const scope = npmScope(flags);
        if (scope !== undefined && key.startsWith('node_modules/')) scopes.set(`${root}/${key}`, scope);
      }
    } catch (error) {
      warn((error as Error).message, file.path);
    }
  }
  return scopes;
}

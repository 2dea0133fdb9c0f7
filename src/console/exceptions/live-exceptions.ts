/**
 * The exceptions kept in the console (table exceptions) that currently
 * apply: not revoked and not yet expired at `now`. Each row's document is
 * the same exception document a policy file's `exceptions:` list takes, and
 * is validated again when read so a hand-edited row is skipped, not obeyed.
 */
import type { Logger } from 'pino';
import { expiryMs } from '../../policy/exceptions.js';
import { exceptionSchema, type ExceptionSpec } from '../../policy/policy-schema.js';
import type { Store } from '../../store/open-store.js';

export async function liveExceptions(store: Store, now: Date, log?: Logger): Promise<ExceptionSpec[]> {
  const rows = await store.db.selectFrom('exceptions').select(['id', 'document']).where('revoked_at', 'is', null).orderBy('id').execute();
  const out: ExceptionSpec[] = [];
  for (const row of rows) {
    let parsed;
    try {
      parsed = exceptionSchema.safeParse(JSON.parse(row.document));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      log?.warn({ exception: row.id }, 'stored exception is not a valid exception document; ignored');
      continue;
    }
    if (expiryMs(parsed.data.expires) <= now.getTime()) continue;
    out.push(parsed.data);
  }
  return out;
}

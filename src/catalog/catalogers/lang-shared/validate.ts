import type { z } from 'zod';
import { BadInputError } from '../../../domain/errors.js';

/**
 * Checks a parsed document against its schema; the first issue becomes the message.
 *
 * `accepts` is an optional hand-written check for the hot path (thousands of
 * package.json files per image): when it returns true, `schema` would accept
 * the value and give back an equal one, which is returned as is; when it
 * returns false, zod decides as usual, so its verdict and message stand.
 */
export function validate<T extends z.ZodType>(schema: T, value: unknown, what: string, accepts?: (value: unknown) => boolean): z.infer<T> {
  if (accepts?.(value) === true) return value as z.infer<T>;
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
    throw new BadInputError(`${what} has an unexpected shape${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

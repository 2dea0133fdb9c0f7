import type { z } from 'zod';
import { BadInputError } from '../../../domain/errors.js';

/** Checks a parsed document against its schema; the first issue becomes the message. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
    throw new BadInputError(`${what} has an unexpected shape${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

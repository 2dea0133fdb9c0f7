import { BadInputError, LimitExceededError } from '../../../domain/errors.js';

/**
 * JSON.parse behind a size cap. V8's JSON.parse does not recurse on nesting,
 * so the size cap bounds both memory and time; shape is checked afterwards
 * with zod by the caller.
 */
export function parseJsonText(text: string, maxChars: number): unknown {
  if (text.length > maxChars) {
    throw new LimitExceededError(`JSON document of ${text.length} characters exceeds the ${maxChars} limit`);
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch (error) {
    throw new BadInputError(`invalid JSON: ${(error as Error).message}`, { cause: error });
  }
}

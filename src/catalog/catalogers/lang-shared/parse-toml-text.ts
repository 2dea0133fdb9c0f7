import { parse } from 'smol-toml';
import { BadInputError, LimitExceededError } from '../../../domain/errors.js';

const MAX_DEPTH = 64;

/** TOML behind a size cap and a nesting cap. */
export function parseTomlText(text: string, maxChars: number): Record<string, unknown> {
  if (text.length > maxChars) {
    throw new LimitExceededError(`TOML document of ${text.length} characters exceeds the ${maxChars} limit`);
  }
  try {
    return parse(text, { maxDepth: MAX_DEPTH }) as Record<string, unknown>;
  } catch (error) {
    throw new BadInputError(`invalid TOML: ${(error as Error).message.split('\n')[0] ?? ''}`, { cause: error });
  }
}

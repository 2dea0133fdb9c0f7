import { parse } from 'yaml';
import { BadInputError, LimitExceededError } from '../../../domain/errors.js';

/** Aliases beyond this count are refused: "billion laughs" documents stop here. */
const MAX_ALIASES = 1000;

/** YAML (1.2 core schema) behind a size cap and an alias cap. */
export function parseYamlText(text: string, maxChars: number): unknown {
  if (text.length > maxChars) {
    throw new LimitExceededError(`YAML document of ${text.length} characters exceeds the ${maxChars} limit`);
  }
  try {
    return parse(text, {
      maxAliasCount: MAX_ALIASES,
      uniqueKeys: false,
      merge: false,
      schema: 'core',
      prettyErrors: false,
    }) as unknown;
  } catch (error) {
    // A stack overflow on absurd nesting is a RangeError: still just bad input.
    throw new BadInputError(`invalid YAML: ${(error as Error).message.split('\n')[0] ?? ''}`, { cause: error });
  }
}

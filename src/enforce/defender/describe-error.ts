/** One line for a log: the message, and for policy load errors the first problems with their file:line. */
import { PolicyLoadError, formatProblem } from '../../policy/index.js';

export function describeError(error: unknown): string {
  if (error instanceof PolicyLoadError) return error.problems.slice(0, 3).map(formatProblem).join('; ');
  return error instanceof Error ? error.message : String(error);
}

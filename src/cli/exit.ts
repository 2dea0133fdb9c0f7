/** Exit codes and the one-line rendering of an error. */
import { BulkheadError } from '../domain/errors.js';

export const ExitCode = {
  Ok: 0,
  PolicyViolation: 1,
  BadInput: 2,
} as const;

const ERRNO_HINTS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  ETIMEDOUT: 'timed out',
};

export function describeError(error: unknown): string {
  if (error instanceof BulkheadError) return oneLine(error.message);
  const errno = error as NodeJS.ErrnoException;
  if (errno && typeof errno.code === 'string' && ERRNO_HINTS[errno.code]) {
    const where = errno.path ?? (errno as { address?: string }).address ?? '';
    return oneLine(`${ERRNO_HINTS[errno.code]}${where ? `: ${where}` : ''}`);
  }
  if (error instanceof Error) return oneLine(`${error.message} (run with --debug for details)`);
  return oneLine(String(error));
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** A fact that was either gathered or could not be, with the reason — never an exception. */
export type Known<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export function known<T>(value: T): Known<T> {
  return { ok: true, value };
}

export function unknown<T>(reason: string): Known<T> {
  return { ok: false, reason };
}

export function reasonOf(error: unknown): string {
  const errno = error as NodeJS.ErrnoException;
  if (errno && typeof errno.code === 'string') {
    const text: Record<string, string> = { ENOENT: 'not found', EACCES: 'permission denied', EPERM: 'permission denied' };
    if (text[errno.code]) return `${text[errno.code]}${errno.path ? `: ${errno.path}` : ''}`;
  }
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').slice(0, 300);
}

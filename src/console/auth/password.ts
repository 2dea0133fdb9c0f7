/**
 * Password hashing for console users: argon2id with OWASP's minimum
 * parameters (19 MiB, 2 passes), encoded with its salt and parameters so they
 * can be raised later without invalidating stored hashes.
 */
import argon2 from 'argon2';

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Bounds that keep hashing cheap to refuse (argon2 reads the whole input). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

let dummy: Promise<string> | undefined;

/**
 * Verifies a password; with no stored hash (unknown user) it still runs one
 * argon2 verification against a throwaway hash so that the answer takes as
 * long as for a real user and the timing does not reveal which names exist.
 */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  dummy ??= hashPassword('bulkhead-timing-equaliser-not-a-password');
  const hash = storedHash ?? (await dummy);
  try {
    const ok = await argon2.verify(hash, password);
    return storedHash !== undefined && ok;
  } catch {
    return false;
  }
}

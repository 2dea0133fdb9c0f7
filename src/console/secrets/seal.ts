/**
 * Seals secrets the console must keep but never show again (registry
 * passwords, webhook signing secrets) with AES-256-GCM under the console's
 * secret key. Format: base64(iv[12] | tag[16] | ciphertext), prefixed 'v1:'
 * so the key or algorithm can change later.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'v1:';

export function sealSecret(key: Buffer, plaintext: string): string {
  if (key.length !== 32) throw new Error('the console secret key must be 32 bytes');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function openSecret(key: Buffer, sealed: string): string {
  if (!sealed.startsWith(PREFIX)) throw new Error('sealed secret has an unknown format');
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
  if (raw.length < 28) throw new Error('sealed secret is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new Error('sealed secret does not open with this key (was BULKHEAD_SECRET_KEY changed?)', { cause: error });
  }
}

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret } from './seal.js';

describe('sealSecret', () => {
  const key = randomBytes(32);
  it('opens what it sealed, and never stores the plaintext', () => {
    const sealed = sealSecret(key, 'hunter2');
    expect(sealed).not.toContain('hunter2');
    expect(sealed).not.toBe(sealSecret(key, 'hunter2'));
    expect(openSecret(key, sealed)).toBe('hunter2');
  });
  it('refuses another key and a tampered box', () => {
    const sealed = sealSecret(key, 'hunter2');
    expect(() => openSecret(randomBytes(32), sealed)).toThrow(/does not open/);
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw.writeUInt8(raw.readUInt8(raw.length - 1) ^ 1, raw.length - 1);
    expect(() => openSecret(key, `v1:${raw.toString('base64')}`)).toThrow(/does not open/);
  });
});

import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

import type { EncryptionKey } from '@wharf/config';

/** A new token: 32 random bytes, base64url (D3). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A webhook signing secret: `whsec_` + base64 of 32 random bytes (D6). */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** SHA-256 hex of a token; how TokenAccounts are stored (D3). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time equality of two strings (false when lengths differ). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}

/**
 * Keyed digest of a TokenInstance for look-up (D3): HMAC-SHA256 under a key derived with HKDF
 * from an encryption key. With retired keys still configured, look-ups try each key's digest.
 */
export function tokenDigest(token: string, key: EncryptionKey): string {
  const digestKey = Buffer.from(
    hkdfSync('sha256', key.key, Buffer.alloc(0), 'wharf/token-digest/v1', 32),
  );
  return createHmac('sha256', digestKey).update(token, 'utf8').digest('hex');
}

/** D3: custom tokens are 16–128 printable ASCII characters without spaces. */
export function isValidCustomToken(token: string): boolean {
  return token.length >= 16 && token.length <= 128 && /^[\x21-\x7e]+$/.test(token);
}

import { randomBytes } from 'node:crypto';

import {
  constantTimeEqual,
  generateSigningSecret,
  generateToken,
  isValidCustomToken,
  sha256Hex,
  tokenDigest,
} from './tokens';

describe('tokens (D3, D6)', () => {
  it('generates 32-byte base64url tokens', () => {
    const token = generateToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(generateToken()).not.toBe(token);
  });

  it('generates whsec_ signing secrets of 32 random bytes', () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
  });

  it('hashes with SHA-256 hex', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('compares in constant time and tells different lengths apart', () => {
    expect(constantTimeEqual('secret', 'secret')).toBe(true);
    expect(constantTimeEqual('secret', 'secreT')).toBe(false);
    expect(constantTimeEqual('secret', 'secret2')).toBe(false);
  });

  it('derives a keyed digest that depends on the key', () => {
    const k1 = { id: 'a', key: randomBytes(32) };
    const k2 = { id: 'b', key: randomBytes(32) };
    expect(tokenDigest('t', k1)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenDigest('t', k1)).toBe(tokenDigest('t', k1));
    expect(tokenDigest('t', k1)).not.toBe(tokenDigest('t', k2));
    expect(tokenDigest('t', k1)).not.toBe(sha256Hex('t'));
  });

  it.each([
    ['sixteen-chars-ok', true],
    ['x'.repeat(128), true],
    ['fifteen-chars-x', false],
    ['x'.repeat(129), false],
    ['has a space inside!', false],
    ['tab\tinside-the-token', false],
    ['ünïcödé-token-value', false],
  ])('custom token %j valid: %s', (token, valid) => {
    expect(isValidCustomToken(token)).toBe(valid);
  });
});

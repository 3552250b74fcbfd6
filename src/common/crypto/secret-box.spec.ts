import { randomBytes } from 'node:crypto';

import { DecryptionError, SecretBox } from './secret-box';

const key = (id: string) => ({ id, key: randomBytes(32) });
const at = { table: 'proxy_config', column: 'password_cipher', rowId: 'row-1' };

describe('SecretBox (D11)', () => {
  it('round-trips a secret in the v1.<keyId>.<iv>.<tag>.<ciphertext> format', () => {
    const box = new SecretBox(key('k1'));
    const sealed = box.seal('hunter2', at);
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('hunter2');
    expect(box.open(sealed, at)).toBe('hunter2');
  });

  it('uses a fresh IV for every seal', () => {
    const box = new SecretBox(key('k1'));
    expect(box.seal('same', at)).not.toBe(box.seal('same', at));
  });

  it('refuses a ciphertext moved to another row or column (AAD)', () => {
    const box = new SecretBox(key('k1'));
    const sealed = box.seal('hunter2', at);
    expect(() => box.open(sealed, { ...at, rowId: 'row-2' })).toThrow(DecryptionError);
    expect(() => box.open(sealed, { ...at, column: 'other' })).toThrow(DecryptionError);
  });

  it('refuses a tampered ciphertext', () => {
    const box = new SecretBox(key('k1'));
    const parts = box.seal('hunter2', at).split('.');
    // Flip one bit of the first ciphertext byte: always a change (replacing the byte with a
    // fixed character left it unchanged whenever it already was that character, 1 run in 256).
    const ciphertext = Buffer.from(parts[4], 'base64url');
    ciphertext[0] ^= 0x01;
    parts[4] = ciphertext.toString('base64url');
    expect(() => box.open(parts.join('.'), at)).toThrow(DecryptionError);
  });

  it('decrypts with a retired key and reseals with the current one', () => {
    const old = key('old');
    const sealedWithOld = new SecretBox(old).seal('hunter2', at);
    const rotated = new SecretBox(key('new'), [old]);
    expect(rotated.open(sealedWithOld, at)).toBe('hunter2');
    expect(rotated.needsReseal(sealedWithOld)).toBe(true);
    expect(rotated.needsReseal(rotated.seal('hunter2', at))).toBe(false);
    expect(() => new SecretBox(key('new')).open(sealedWithOld, at)).toThrow(
      'key old is not configured',
    );
  });

  it('maps empty values to null in the nullable helpers', () => {
    const box = new SecretBox(key('k1'));
    expect(box.sealNullable('', at)).toBeNull();
    expect(box.sealNullable(null, at)).toBeNull();
    expect(box.openNullable(null, at)).toBeNull();
  });
});

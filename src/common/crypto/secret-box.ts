import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import type { EncryptionKey } from '@wharf/config';

/** Where a ciphertext belongs; it becomes the AES-GCM additional data `<table>.<column>.<rowId>` (D11). */
export interface SecretLocation {
  table: string;
  column: string;
  rowId: string;
}

export class DecryptionError extends Error {
  constructor(reason: string) {
    super(`Cannot decrypt secret: ${reason}`);
    this.name = 'DecryptionError';
  }
}

const VERSION = 'v1';

/**
 * AES-256-GCM encryption of secrets at rest (D11). Ciphertext format
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts); the additional authenticated data binds
 * the ciphertext to its row, so one moved to another row or column fails to decrypt.
 * Framework-free so the re-encryption command and tests can use it directly.
 */
export class SecretBox {
  private readonly keysById: Map<string, Buffer>;

  constructor(
    private readonly current: EncryptionKey,
    decryptionKeys: EncryptionKey[] = [current],
  ) {
    this.keysById = new Map(decryptionKeys.map((k) => [k.id, k.key]));
    this.keysById.set(current.id, current.key);
  }

  /** Id of the key that `seal` uses now. */
  get currentKeyId(): string {
    return this.current.id;
  }

  seal(plaintext: string, at: SecretLocation): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(aad(at));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      this.current.id,
      iv.toString('base64url'),
      tag.toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  /** @throws DecryptionError for an unknown key, a malformed value or a failed authentication. */
  open(sealed: string, at: SecretLocation): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new DecryptionError('unknown format');
    const [, keyId, iv, tag, body] = parts;
    const key = this.keysById.get(keyId);
    if (!key) throw new DecryptionError(`key ${keyId} is not configured`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(aad(at));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new DecryptionError('authentication failed');
    }
  }

  /** Whether `sealed` was written with a key other than the current one. */
  needsReseal(sealed: string): boolean {
    return sealed.split('.')[1] !== this.current.id;
  }

  sealNullable(plaintext: string | null | undefined, at: SecretLocation): string | null {
    return plaintext == null || plaintext === '' ? null : this.seal(plaintext, at);
  }

  openNullable(sealed: string | null | undefined, at: SecretLocation): string | null {
    return sealed == null ? null : this.open(sealed, at);
  }
}

function aad(at: SecretLocation): Buffer {
  return Buffer.from(`${at.table}.${at.column}.${at.rowId}`, 'utf8');
}

import type { BaileysModule } from './baileys-loader';

const SALT_LENGTH = 32;
const CTR_IV_LENGTH = 16;
const GCM_IV_LENGTH = 12;
const KEY_LENGTH = 32;

/**
 * Pairing codes are 8 characters: Baileys generates them from `123456789ABCDEFGHJKLMNPQRSTVWXYZ`,
 * and `requestPairingCode(phone, custom)` accepts any 8 characters; the phone's keypad types
 * upper-case letters and digits.
 */
const PAIRING_CODE_PATTERN = /^[0-9A-Z]{8}$/;

/** Normalises a pairing code as a user types it (`abcd-efgh` → `ABCDEFGH`); undefined if invalid. */
export function normalizePairingCode(code: string): string | undefined {
  const normalized = code.replace(/[\s-]/g, '').toUpperCase();
  return PAIRING_CODE_PATTERN.test(normalized) ? normalized : undefined;
}

/**
 * Unwraps an ephemeral public key wrapped with a pairing code:
 * `salt(32) ‖ iv(16) ‖ AES-256-CTR(key, PBKDF2-SHA256(code, salt, 131072 rounds))`.
 */
export async function unwrapEphemeralKey(
  b: BaileysModule,
  code: string,
  wrapped: Buffer,
): Promise<Buffer> {
  if (wrapped.length < SALT_LENGTH + CTR_IV_LENGTH + KEY_LENGTH) {
    throw new Error('wrapped ephemeral key too short');
  }
  const salt = wrapped.subarray(0, SALT_LENGTH);
  const iv = wrapped.subarray(SALT_LENGTH, SALT_LENGTH + CTR_IV_LENGTH);
  const payload = wrapped.subarray(
    SALT_LENGTH + CTR_IV_LENGTH,
    SALT_LENGTH + CTR_IV_LENGTH + KEY_LENGTH,
  );
  const key = await b.derivePairingCodeKey(code, salt);
  return b.aesDecryptCTR(payload, key, iv);
}

/** Wraps the primary's ephemeral public key with the pairing code (inverse of the above). */
export async function wrapEphemeralKey(
  b: BaileysModule,
  code: string,
  publicKey: Uint8Array,
  random: (size: number) => Buffer,
): Promise<Buffer> {
  const salt = random(SALT_LENGTH);
  const iv = random(CTR_IV_LENGTH);
  const key = await b.derivePairingCodeKey(code, salt);
  return Buffer.concat([salt, iv, b.aesEncryptCTR(publicKey, key, iv)]);
}

/** The companion's key bundle from `companion_finish`, decrypted by the primary. */
export interface CompanionKeyBundle {
  companionIdentityKey: Buffer;
  primaryIdentityKey: Buffer;
  random: Buffer;
}

/**
 * Opens `link_code_pairing_wrapped_key_bundle`: `salt(32) ‖ iv(12) ‖ AES-256-GCM(companion
 * identity ‖ primary identity ‖ random(32))` under HKDF(shared ephemeral secret, salt,
 * "link_code_pairing_key_bundle_encryption_key"). Throws when the GCM tag does not verify,
 * which is what happens when the two sides typed different codes.
 */
export function openKeyBundle(
  b: BaileysModule,
  ephemeralSharedKey: Buffer,
  wrappedBundle: Buffer,
): CompanionKeyBundle {
  const salt = wrappedBundle.subarray(0, SALT_LENGTH);
  const iv = wrappedBundle.subarray(SALT_LENGTH, SALT_LENGTH + GCM_IV_LENGTH);
  const ciphertext = wrappedBundle.subarray(SALT_LENGTH + GCM_IV_LENGTH);
  const key = Buffer.from(
    b.hkdf(ephemeralSharedKey, KEY_LENGTH, {
      salt,
      info: 'link_code_pairing_key_bundle_encryption_key',
    }),
  );
  const plain = b.aesDecryptGCM(ciphertext, key, iv, Buffer.alloc(0));
  if (plain.length !== 3 * KEY_LENGTH) {
    throw new Error('key bundle has the wrong length');
  }
  return {
    companionIdentityKey: plain.subarray(0, KEY_LENGTH),
    primaryIdentityKey: plain.subarray(KEY_LENGTH, 2 * KEY_LENGTH),
    random: plain.subarray(2 * KEY_LENGTH),
  };
}

/**
 * The ADV secret both sides derive at the end of a pairing-code exchange:
 * HKDF(ephemeral shared ‖ identity shared ‖ random, info "adv_secret"), 32 bytes.
 */
export function deriveAdvSecret(
  b: BaileysModule,
  ephemeralSharedKey: Buffer,
  identitySharedKey: Buffer,
  random: Buffer,
): Buffer {
  return Buffer.from(
    b.hkdf(Buffer.concat([ephemeralSharedKey, identitySharedKey, random]), KEY_LENGTH, {
      info: 'adv_secret',
    }),
  );
}

/**
 * The sandbox's own certificate authority. WhatsApp pins the public key that signs its Noise
 * intermediate certificates (`WA_CERT_DETAILS.PUBLIC_KEY` in Baileys); the sandbox signs its
 * intermediate with this fixed test key instead, so a client talks to the sandbox only after
 * it has been told to trust {@link SANDBOX_ROOT_PUBLIC_KEY}. Wharf does that in sandbox mode
 * only. These keys protect nothing: they exist so that tests and local users can reproduce
 * WhatsApp's certificate checks without WhatsApp's private keys.
 */

/** Curve25519 public key (32 bytes) of the sandbox root; set `WA_CERT_DETAILS.PUBLIC_KEY` to it. */
export const SANDBOX_ROOT_PUBLIC_KEY: Buffer<ArrayBuffer> = Buffer.from(
  '495bc3005dd5c68cab103817cb4325c32d4378a491416a84e990eb63cee27317',
  'hex',
);

/** Curve25519 private key (32 bytes) of the sandbox root. Public on purpose: test material. */
export const SANDBOX_ROOT_PRIVATE_KEY: Buffer<ArrayBuffer> = Buffer.from(
  'a89936158c83f8cfa39b38b03a407f27e95b2562d4762d685671edc4d6dea374',
  'hex',
);

/** Key pair of the intermediate certificate the root signs (issuer serial 0, like WhatsApp). */
export const SANDBOX_INTERMEDIATE_KEY_PAIR = {
  public: Buffer.from('9bd309e15d59f93d71375ea6d447dada70d8e6facac13fffd876032dab0c3c4f', 'hex'),
  private: Buffer.from('c07931de13065e6830efc8beef508262014ceccef2303bf9a3b3ec5444d91f4d', 'hex'),
} as const;

/** Serial of the root that issues the intermediate; Baileys requires `WA_CERT_DETAILS.SERIAL` (0). */
export const SANDBOX_ROOT_SERIAL = 0;

import { loadBaileys } from './loader';

let sandboxRootTrusted = false;

/**
 * Makes Baileys trust `rootPublicKey` (32-byte Curve25519 key) instead of WhatsApp's pinned
 * root certificate key, so it accepts the sandbox's Noise certificate chain.
 *
 * PROCESS-WIDE: Baileys pins the root in its exported, mutable `WA_CERT_DETAILS.PUBLIC_KEY`;
 * after this call no socket in this process can connect to the real WhatsApp any more. Call it
 * only in sandbox mode (`WA_SANDBOX_URL` set), which is a process-wide setting too. This is the
 * only function that changes the trusted root.
 */
export async function trustSandboxRoot(rootPublicKey: Uint8Array): Promise<void> {
  if (rootPublicKey.length !== 32) {
    throw new Error(`sandbox root key must be 32 bytes, got ${rootPublicKey.length}`);
  }
  const b = await loadBaileys();
  b.WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(rootPublicKey);
  sandboxRootTrusted = true;
}

/** Whether {@link trustSandboxRoot} has replaced WhatsApp's root key in this process. */
export function isSandboxRootTrusted(): boolean {
  return sandboxRootTrusted;
}

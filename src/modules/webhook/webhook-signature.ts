import { createHmac } from 'node:crypto';

/** The key bytes of a `whsec_<base64>` secret (Standard Webhooks: the base64 part, decoded). */
export function signingKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret,
    'base64',
  );
}

/**
 * One Standard Webhooks signature (D6): `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`.
 * @param timestamp Unix seconds of this attempt
 */
export function signDelivery(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', signingKey(secret))
    .update(`${id}.${timestamp}.${body}`, 'utf8')
    .digest('base64');
  return `v1,${mac}`;
}

/** The `webhook-signature` header: one signature per valid secret, space-separated (rotation, D6). */
export function signatureHeader(
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): string {
  return secrets.map((secret) => signDelivery(secret, id, timestamp, body)).join(' ');
}

import type { BinaryNode } from 'baileys';

import type { BaileysModule } from './baileys-loader';
import { SERVER_JID } from './jid';
import type { Phone } from './state';

/** The account-signed identity a phone issues to a companion it links. */
export interface IssuedDeviceIdentity {
  /** Encoded ADVDeviceIdentity (rawId, timestamp, keyIndex). */
  details: Buffer;
  /** Encoded ADVSignedDeviceIdentityHMAC, the content of `<device-identity>`. */
  container: Buffer;
}

/**
 * Signs a new companion's device identity the way the primary does (ADV): the account key signs
 * `06 00 ‖ details ‖ companion identity key`, and the whole is HMAC-SHA256'd with the companion's
 * ADV secret (from the QR, or derived in the pairing-code exchange).
 */
export function issueDeviceIdentity(
  b: BaileysModule,
  phone: Phone,
  keyIndex: number,
  companionIdentityKey: Buffer,
  advSecret: Buffer,
): IssuedDeviceIdentity {
  const details = Buffer.from(
    b.proto.ADVDeviceIdentity.encode({
      rawId: phone.rawId,
      timestamp: Math.floor(Date.now() / 1000),
      keyIndex,
    }).finish(),
  );
  const accountSignature = b.Curve.sign(
    phone.identity.private,
    Buffer.concat([b.WA_ADV_ACCOUNT_SIG_PREFIX, details, companionIdentityKey]),
  );
  const signed = b.proto.ADVSignedDeviceIdentity.encode({
    details,
    accountSignatureKey: phone.identity.public,
    accountSignature,
  }).finish();
  const hmac = b.hmacSign(signed, advSecret);
  const container = Buffer.from(
    b.proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac }).finish(),
  );
  return { details, container };
}

/** The `<iq><pair-success>` stanza that hands the companion its identity, JID and LID. */
export function pairSuccessNode(
  id: string,
  identity: IssuedDeviceIdentity,
  deviceJid: string,
  deviceLid: string,
  primaryPlatform: string,
): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: SERVER_JID, type: 'set', id, t: String(Math.floor(Date.now() / 1000)) },
    content: [
      {
        tag: 'pair-success',
        attrs: {},
        content: [
          { tag: 'device-identity', attrs: {}, content: identity.container },
          { tag: 'platform', attrs: { name: primaryPlatform } },
          { tag: 'device', attrs: { jid: deviceJid, lid: deviceLid } },
        ],
      },
    ],
  };
}

/**
 * Checks the companion's `pair-device-sign` answer: its ADVSignedDeviceIdentity must carry our
 * details and a device signature over `06 01 ‖ details ‖ companion identity ‖ account key`.
 * Returns the encoded identity to keep, or undefined when the signature is wrong.
 */
export function verifyPairDeviceSign(
  b: BaileysModule,
  reply: BinaryNode,
  phone: Phone,
  issued: IssuedDeviceIdentity,
  companionIdentityKey: Buffer,
): Buffer | undefined {
  const sign = b.getBinaryNodeChild(reply, 'pair-device-sign');
  const identityNode = sign ? b.getBinaryNodeChild(sign, 'device-identity') : undefined;
  if (!(identityNode?.content instanceof Uint8Array)) {
    return undefined;
  }
  const signed = b.proto.ADVSignedDeviceIdentity.decode(identityNode.content);
  if (!signed.details || !signed.deviceSignature || !issued.details.equals(signed.details)) {
    return undefined;
  }
  const message = Buffer.concat([
    b.WA_ADV_DEVICE_SIG_PREFIX,
    signed.details,
    companionIdentityKey,
    phone.identity.public,
  ]);
  return b.Curve.verify(companionIdentityKey, message, signed.deviceSignature)
    ? Buffer.from(identityNode.content)
    : undefined;
}

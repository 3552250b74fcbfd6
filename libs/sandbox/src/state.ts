import type { KeyPair } from 'baileys';

/** A one-time prekey a companion uploaded (`<key><id/><value/></key>`). */
export interface PreKey {
  keyId: number;
  /** 32-byte Curve25519 public key (no type prefix). */
  publicKey: Buffer;
}

/** The signed prekey a companion registered or rotated (`<skey>`). */
export interface SignedPreKey {
  keyId: number;
  publicKey: Buffer;
  /** Signature by the device's identity key over `05 ‖ publicKey`. */
  signature: Buffer;
}

/** Signal keys of one companion device, as the server keeps them for other clients to fetch. */
export interface DeviceKeys {
  registrationId: number;
  /** 32-byte identity public key. */
  identityKey: Buffer;
  signedPreKey: SignedPreKey;
  /** Uploaded one-time prekeys by id; a prekey leaves the map when a peer fetches it. */
  preKeys: Map<number, PreKey>;
}

/** A companion device (WhatsApp Web, desktop, Wharf) linked to a phone. */
export interface CompanionDevice {
  /** Device id (1, 2, … per phone; 0 is the primary). */
  id: number;
  /** `<number>:<id>@s.whatsapp.net`. */
  jid: string;
  /** `<lid>:<id>@lid`. */
  lid: string;
  /** Platform from the companion's DeviceProps, lower case (`chrome`, `desktop`, …). */
  platform: string;
  /** The companion's self-reported OS / browser name (DeviceProps.os). */
  os: string;
  /** Static Noise public key the companion must present on every login. */
  noiseKey: Buffer;
  keys: DeviceKeys;
  /** ADV key index the phone assigned to this device. */
  keyIndex: number;
  /** Encoded ADVSignedDeviceIdentity the companion signed in `pair-device-sign`. */
  signedDeviceIdentity: Buffer;
  linkedAt: Date;
}

/** Status of a call a phone placed. */
export type CallStatus = 'ringing' | 'rejected' | 'accepted' | 'timeout';

/** A call a phone placed to a number (`POST /phones/:number/call`). */
export interface CallRecord {
  /** call-id (32 upper-case hex characters, as WhatsApp's). */
  id: string;
  /** JID of the callee. */
  to: string;
  status: CallStatus;
  at: Date;
  endedAt?: Date;
}

/** A WhatsApp account and its primary device (the "phone"), created through the control API. */
export interface Phone {
  number: string;
  /** `<number>@s.whatsapp.net`. */
  jid: string;
  /** 15-digit LID user, without server. */
  lid: string;
  name: string;
  /** ADV account id placed in every device identity the phone signs. */
  rawId: number;
  /**
   * The primary's identity key pair; it is also the ADV account signature key that signs
   * linked devices (`accountSignatureKey`).
   */
  identity: KeyPair;
  devices: Map<number, CompanionDevice>;
  nextDeviceId: number;
  nextKeyIndex: number;
  calls: CallRecord[];
  createdAt: Date;
}

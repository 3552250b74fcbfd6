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

/** A registered device of an account: the primary (id 0) or a linked companion. */
export interface Device {
  /** Device id (0 is the primary, 1, 2, … the companions). */
  id: number;
  /** `<number>@s.whatsapp.net` for the primary, `<number>:<id>@s.whatsapp.net` otherwise. */
  jid: string;
  /** `<lid>@lid` for the primary, `<lid>:<id>@lid` otherwise. */
  lid: string;
  /** Static Noise public key the device must present on every login. */
  noiseKey: Buffer;
  keys: DeviceKeys;
  /** ADV key index the phone assigned to this device (0 for the primary). */
  keyIndex: number;
}

/** A companion device (WhatsApp Web, desktop, Wharf) linked to a phone. */
export interface CompanionDevice extends Device {
  /** Platform from the companion's DeviceProps, lower case (`chrome`, `desktop`, …). */
  platform: string;
  /** The companion's self-reported OS / browser name (DeviceProps.os). */
  os: string;
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
  /** The primary device (id 0): a real Baileys client run by the sandbox. */
  primary: Device;
  devices: Map<number, CompanionDevice>;
  nextDeviceId: number;
  nextKeyIndex: number;
  calls: CallRecord[];
  /** Receipts other accounts sent for messages this account sent, in arrival order. */
  receipts: ReceiptRecord[];
  createdAt: Date;
  /**
   * Contacts the account blocked, by the entry's `jid` (features/blocklist.ts); absent until
   * the account first blocks someone.
   */
  blocklist?: Map<string, BlockedContact>;
  /**
   * Privacy categories the account changed (`last`, `online`, `readreceipts`, …) and their
   * values (features/privacy.ts); a category not here has its default (account-settings.ts).
   */
  privacy?: Map<string, string>;
}

/** A contact an account blocked (`iq xmlns="blocklist"`, features/blocklist.ts). */
export interface BlockedContact {
  /** The contact's LID JID (`<lid>@lid`), or its PN JID when no LID is known for it. */
  jid: string;
  /** The contact's PN JID (`<number>@s.whatsapp.net`), when known. */
  pn?: string;
}

/** Status a receipt reports (`<receipt>` without type, `type="read"`, `type="played"`). */
export type ReceiptStatus = 'delivered' | 'read' | 'played';

/** A receipt the server routed to an account for one of its messages. */
export interface ReceiptRecord {
  messageId: string;
  /** Chat of the message: the peer's PN JID, or the group JID. */
  chat: string;
  status: ReceiptStatus;
  /** PN JID of the account that sent the receipt. */
  from: string;
  at: Date;
}

/** A member of a group. */
export interface GroupParticipant {
  phone: Phone;
  /** `superadmin` for the creator, `admin`, or null. */
  admin: 'superadmin' | 'admin' | null;
}

/** A group chat the server keeps (`w:g2`). */
export interface Group {
  /** `<id>@g.us`. */
  jid: string;
  subject: string;
  creator: Phone;
  createdAt: Date;
  subjectAt: Date;
  /** Members by phone number. */
  participants: Map<string, GroupParticipant>;
}

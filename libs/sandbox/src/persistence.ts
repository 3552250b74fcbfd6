/**
 * Saving and restoring the sandbox (`Sandbox.exportState()`, `startSandbox({ state })`,
 * `GET /state`, `--state-file`). A {@link SandboxState} is a plain JSON value: every byte string
 * is base64 (standard alphabet, padded), every time an ISO-8601 string. It holds everything a
 * companion and the phones need to carry on after a restart as if the sandbox had never
 * stopped: the accounts with their devices (Noise keys, the Signal key bundles the server hands
 * out, the companions' signed device identities, LIDs), each phone's own Baileys credentials and
 * Signal key store (sessions, prekeys, sender keys, LID mappings…), what the phones received,
 * groups, stanzas queued for offline devices, the routing memory for receipts, the media
 * host's files, and the accounts' app-state patches (app-state-store.ts).
 *
 * Not saved, because nothing outlives a connection: open connections, QR refs and pairing-code
 * requests in flight, ringing calls (restored as `timeout`) and a network drop in progress.
 * A snapshot is consistent when it is taken while no stanza is being processed (e.g. after the
 * companions stopped): a message half-way through a phone's Baileys socket is not in it.
 */
import type {
  AuthenticationCreds,
  BinaryNode,
  KeyPair,
  SignalDataTypeMap,
  WAMessage,
} from 'baileys';

import type { AppStateAccountState } from './app-state-store';
import type { BaileysModule } from './baileys-loader';
import type {
  CallRecord,
  CompanionDevice,
  Device,
  DeviceKeys,
  Group,
  Phone,
  ReceiptRecord,
} from './state';

/**
 * Format version of {@link SandboxState} written today. Version 2 added `appState`; a version 1
 * state is still read (as one without app state). Any other version is refused.
 */
export const SANDBOX_STATE_VERSION = 2;

/** The versions {@link assertSandboxState} accepts. */
const READABLE_STATE_VERSIONS: readonly number[] = [1, SANDBOX_STATE_VERSION];

/** Bytes as base64 (standard alphabet, padded). */
export type Base64 = string;

/** A Curve25519 key pair; each half is 32 bytes. */
export interface KeyPairState {
  public: Base64;
  private: Base64;
}

/** The server's copy of a device's Signal keys (what peers fetch with `<iq xmlns="encrypt">`). */
export interface DeviceKeysState {
  /** Signal registration id (32-bit unsigned). */
  registrationId: number;
  /** 32-byte identity public key. */
  identityKey: Base64;
  /** Current signed prekey: id (24-bit), 32-byte public key, 64-byte XEdDSA signature. */
  signedPreKey: { keyId: number; publicKey: Base64; signature: Base64 };
  /** One-time prekeys not yet handed to a peer, in upload order (32-byte public keys). */
  preKeys: { keyId: number; publicKey: Base64 }[];
}

/** A registered device: the primary (id 0) or a companion. */
export interface DeviceState {
  id: number;
  /** `<number>[:<id>]@s.whatsapp.net`. */
  jid: string;
  /** `<lid>[:<id>]@lid`. */
  lid: string;
  /** 32-byte static Noise public key the device must present at login. */
  noiseKey: Base64;
  /** ADV key index the phone assigned (0 for the primary). */
  keyIndex: number;
  keys: DeviceKeysState;
}

/** A linked companion (WhatsApp Web, Wharf…). */
export interface CompanionDeviceState extends DeviceState {
  /** Lower-case DeviceProps platform (`chrome`, `desktop`…). */
  platform: string;
  os: string;
  /** Encoded ADVSignedDeviceIdentity the companion signed when it was linked. */
  signedDeviceIdentity: Base64;
  /** ISO-8601. */
  linkedAt: string;
}

/**
 * A phone's primary: its Baileys client state. `creds` (AuthenticationCreds) and each `value`
 * are JSON in Baileys' own `BufferJSON` form (bytes as `{ "type": "Buffer", "data": base64 }`,
 * the form Wharf stores its sessions in); 64-bit protobuf numbers are plain numbers.
 */
export interface PhoneClientState {
  creds: unknown;
  /** The Signal key store: `type` is a SignalDataTypeMap key (`session`, `pre-key`…). */
  keys: { type: string; id: string; value: unknown }[];
  /** Messages the primary received (`own: false`) or sent itself, in arrival order (WAMessage). */
  messages: { own: boolean; message: unknown }[];
  /** False while the phone was taken off the network (`POST /phones/:number/disconnect`). */
  online: boolean;
}

/** A call a phone placed; times ISO-8601. */
export interface CallState {
  id: string;
  to: string;
  status: CallRecord['status'];
  at: string;
  endedAt: string | null;
}

/** A receipt routed to a phone for a message it sent; `at` ISO-8601. */
export interface ReceiptState {
  messageId: string;
  chat: string;
  status: ReceiptRecord['status'];
  from: string;
  at: string;
}

/** A WhatsApp account with its primary and companions. */
export interface PhoneState {
  /** Digits only. */
  number: string;
  /** 15-digit LID user, no server. */
  lid: string;
  name: string;
  /** ADV account id. */
  rawId: number;
  /** ISO-8601. */
  createdAt: string;
  primary: DeviceState;
  devices: CompanionDeviceState[];
  nextDeviceId: number;
  nextKeyIndex: number;
  calls: CallState[];
  receipts: ReceiptState[];
  /** The primary's Baileys state; its identity key pair is also the account's ADV key. */
  client: PhoneClientState;
}

/** A group; members by phone number. Times ISO-8601. */
export interface GroupState {
  /** `<id>@g.us`. */
  jid: string;
  subject: string;
  /** Number of the creating phone. */
  creator: string;
  createdAt: string;
  subjectAt: string;
  participants: { number: string; admin: 'superadmin' | 'admin' | null }[];
}

/** A binary node; byte content as `{ base64 }`, text content as a string. */
export interface BinaryNodeState {
  tag: string;
  attrs: Record<string, string>;
  content?: BinaryNodeState[] | { base64: Base64 } | string;
}

/** A message the server relayed, remembered to route its receipts back. */
export interface RelayedState {
  /** Number of the sending phone. */
  sender: string;
  messageId: string;
  /** The peer's PN JID, or the group JID. */
  chat: string;
  lidAddressed: boolean;
  /** Group JID for a group message. */
  group: string | null;
  /** Receipts already forwarded, as `<reader number>|<status>`. */
  receipts: string[];
}

/** Everything the sandbox keeps (see the file comment). */
export interface SandboxState {
  /** {@link SANDBOX_STATE_VERSION} when written; 1 for a state saved before app state. */
  version: 1 | typeof SANDBOX_STATE_VERSION;
  /** ISO-8601. */
  exportedAt: string;
  /**
   * The chat server's static Noise key pair. Baileys does not pin it (it checks only that the
   * certificate chain ends at the sandbox root, `root-key.ts`), so a companion would log in to a
   * sandbox with a new key too; it is kept so that a restarted sandbox is the same server.
   */
  server: { noiseKey: KeyPairState };
  phones: PhoneState[];
  groups: GroupState[];
  /** Stanzas queued for devices that were not connected, oldest first. */
  offlineQueues: { number: string; deviceId: number; stanzas: BinaryNodeState[] }[];
  /** Relayed messages, oldest first. */
  relayed: RelayedState[];
  /** The media host: its upload token and the encrypted files by direct path (no query). */
  media: { auth: string; files: { path: string; data: Base64 }[] };
  /**
   * App-state sync per account (version 2; absent in version 1): each collection's `SyncdPatch`
   * blobs (base64) in version order (the first is version 1, each with its version written in),
   * the companions that got the phone's app-state key and whether it shares it.
   */
  appState?: AppStateAccountState[];
}

/** A phone's primary as PhoneClient rebuilds it from {@link PhoneClientState}. */
export interface RestoredPhoneClient {
  creds: AuthenticationCreds;
  /** Key store entries by `<type>/<id>`. */
  keys: Map<string, unknown>;
  messages: { own: boolean; message: WAMessage }[];
  online: boolean;
}

/** A message the server relayed, remembered to route its receipts back (messaging.ts). */
export interface RelayedRecord {
  sender: Phone;
  /** The peer's PN JID, or the group JID. */
  chat: string;
  /** True when the sender addressed the peer by LID (receipts then come from the LID). */
  lidAddressed: boolean;
  group?: Group;
  /** Receipts already forwarded for it, as `<reader number>|<status>`. */
  receipts: Set<string>;
}

/** The message router's memory, in the order it is kept. */
export interface RouterSnapshot {
  queues: Map<string, BinaryNode[]>;
  relayed: [string, RelayedRecord][];
  groups: Group[];
}

const b64 = (bytes: Uint8Array): Base64 => Buffer.from(bytes).toString('base64');
const bytes = (value: Base64): Buffer => Buffer.from(value, 'base64');

function isLong(value: unknown): value is { toNumber(): number } {
  const v = value as { low?: unknown; high?: unknown; unsigned?: unknown; toNumber?: unknown };
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof v.low === 'number' &&
    typeof v.high === 'number' &&
    typeof v.unsigned === 'boolean' &&
    typeof v.toNumber === 'function'
  );
}

/** A JSON copy of a Baileys value: bytes in BufferJSON form, protobuf Longs as numbers. */
export function toBaileysJson(b: BaileysModule, value: unknown): unknown {
  const text = JSON.stringify(value, (key: string, item: unknown): unknown =>
    isLong(item) ? item.toNumber() : (b.BufferJSON.replacer(key, item) as unknown),
  );
  return text === undefined ? null : (JSON.parse(text) as unknown);
}

/** The Baileys value of {@link toBaileysJson}'s output (bytes as Buffers again). */
export function fromBaileysJson<T>(b: BaileysModule, json: unknown): T {
  return JSON.parse(JSON.stringify(json), b.BufferJSON.reviver) as T;
}

/** Encodes a primary's Baileys state. */
export function encodeClientState(b: BaileysModule, client: RestoredPhoneClient): PhoneClientState {
  return {
    creds: toBaileysJson(b, client.creds),
    keys: [...client.keys].map(([key, value]) => {
      const slash = key.indexOf('/');
      return {
        type: key.slice(0, slash),
        id: key.slice(slash + 1),
        value: toBaileysJson(b, value),
      };
    }),
    messages: client.messages.map(({ own, message }) => ({
      own,
      message: toBaileysJson(b, message),
    })),
    online: client.online,
  };
}

/** Decodes a primary's Baileys state; `app-state-sync-key` values become protobuf objects again. */
export function decodeClientState(b: BaileysModule, state: PhoneClientState): RestoredPhoneClient {
  const keys = new Map<string, unknown>();
  for (const { type, id, value } of state.keys) {
    const decoded = fromBaileysJson<Record<string, unknown> | null>(b, value);
    keys.set(
      `${type}/${id}`,
      (type as keyof SignalDataTypeMap) === 'app-state-sync-key' && decoded
        ? b.proto.Message.AppStateSyncKeyData.fromObject(decoded)
        : decoded,
    );
  }
  return {
    creds: fromBaileysJson<AuthenticationCreds>(b, state.creds),
    keys,
    messages: state.messages.map(({ own, message }) => ({
      own,
      message: fromBaileysJson<WAMessage>(b, message),
    })),
    online: state.online,
  };
}

/** Encodes a key pair. */
export function encodeKeyPair(pair: KeyPair): KeyPairState {
  return { public: b64(pair.public), private: b64(pair.private) };
}

/** Decodes a key pair. */
export function decodeKeyPair(state: KeyPairState): KeyPair {
  return { public: bytes(state.public), private: bytes(state.private) };
}

function encodeKeys(keys: DeviceKeys): DeviceKeysState {
  return {
    registrationId: keys.registrationId,
    identityKey: b64(keys.identityKey),
    signedPreKey: {
      keyId: keys.signedPreKey.keyId,
      publicKey: b64(keys.signedPreKey.publicKey),
      signature: b64(keys.signedPreKey.signature),
    },
    preKeys: [...keys.preKeys.values()].map((key) => ({
      keyId: key.keyId,
      publicKey: b64(key.publicKey),
    })),
  };
}

function decodeKeys(state: DeviceKeysState): DeviceKeys {
  return {
    registrationId: state.registrationId,
    identityKey: bytes(state.identityKey),
    signedPreKey: {
      keyId: state.signedPreKey.keyId,
      publicKey: bytes(state.signedPreKey.publicKey),
      signature: bytes(state.signedPreKey.signature),
    },
    preKeys: new Map(
      state.preKeys.map((key) => [
        key.keyId,
        { keyId: key.keyId, publicKey: bytes(key.publicKey) },
      ]),
    ),
  };
}

function encodeDevice(device: Device): DeviceState {
  return {
    id: device.id,
    jid: device.jid,
    lid: device.lid,
    noiseKey: b64(device.noiseKey),
    keyIndex: device.keyIndex,
    keys: encodeKeys(device.keys),
  };
}

function decodeDevice(state: DeviceState): Device {
  return {
    id: state.id,
    jid: state.jid,
    lid: state.lid,
    noiseKey: bytes(state.noiseKey),
    keyIndex: state.keyIndex,
    keys: decodeKeys(state.keys),
  };
}

/** Encodes a phone and its primary's client state. */
export function encodePhone(phone: Phone, client: PhoneClientState): PhoneState {
  return {
    number: phone.number,
    lid: phone.lid,
    name: phone.name,
    rawId: phone.rawId,
    createdAt: phone.createdAt.toISOString(),
    primary: encodeDevice(phone.primary),
    devices: [...phone.devices.values()].map((device) => ({
      ...encodeDevice(device),
      platform: device.platform,
      os: device.os,
      signedDeviceIdentity: b64(device.signedDeviceIdentity),
      linkedAt: device.linkedAt.toISOString(),
    })),
    nextDeviceId: phone.nextDeviceId,
    nextKeyIndex: phone.nextKeyIndex,
    calls: phone.calls.map((call) => ({
      id: call.id,
      to: call.to,
      status: call.status,
      at: call.at.toISOString(),
      endedAt: call.endedAt ? call.endedAt.toISOString() : null,
    })),
    receipts: phone.receipts.map((receipt) => ({ ...receipt, at: receipt.at.toISOString() })),
    client,
  };
}

/**
 * Decodes a phone; `identity` is its primary's identity key pair (from the restored Baileys
 * credentials: the same key signs the account's device identities). A call that was still
 * ringing is restored as ended by `timeout` at `exportedAt`.
 */
export function decodePhone(state: PhoneState, identity: KeyPair, exportedAt: Date): Phone {
  const devices = new Map<number, CompanionDevice>();
  for (const device of state.devices) {
    devices.set(device.id, {
      ...decodeDevice(device),
      platform: device.platform,
      os: device.os,
      signedDeviceIdentity: bytes(device.signedDeviceIdentity),
      linkedAt: new Date(device.linkedAt),
    });
  }
  return {
    number: state.number,
    jid: state.primary.jid,
    lid: state.lid,
    name: state.name,
    rawId: state.rawId,
    identity,
    primary: decodeDevice(state.primary),
    devices,
    nextDeviceId: state.nextDeviceId,
    nextKeyIndex: state.nextKeyIndex,
    calls: state.calls.map((call) => {
      const ringing = call.status === 'ringing';
      const endedAt = call.endedAt ? new Date(call.endedAt) : ringing ? exportedAt : undefined;
      return {
        id: call.id,
        to: call.to,
        status: ringing ? 'timeout' : call.status,
        at: new Date(call.at),
        ...(endedAt ? { endedAt } : {}),
      };
    }),
    receipts: state.receipts.map((receipt) => ({ ...receipt, at: new Date(receipt.at) })),
    createdAt: new Date(state.createdAt),
  };
}

/** Encodes a binary node (a queued stanza). */
export function encodeNode(node: BinaryNode): BinaryNodeState {
  const out: BinaryNodeState = { tag: node.tag, attrs: { ...node.attrs } };
  if (Array.isArray(node.content)) {
    out.content = node.content.map(encodeNode);
  } else if (node.content instanceof Uint8Array) {
    out.content = { base64: b64(node.content) };
  } else if (typeof node.content === 'string') {
    out.content = node.content;
  }
  return out;
}

/** Decodes a binary node. */
export function decodeNode(state: BinaryNodeState): BinaryNode {
  const node: BinaryNode = { tag: state.tag, attrs: { ...state.attrs } };
  if (Array.isArray(state.content)) {
    node.content = state.content.map(decodeNode);
  } else if (typeof state.content === 'string') {
    node.content = state.content;
  } else if (state.content) {
    node.content = bytes(state.content.base64);
  }
  return node;
}

/** Encodes the router's groups, offline queues and relayed messages. */
export function encodeRouter(
  snapshot: RouterSnapshot,
): Pick<SandboxState, 'groups' | 'offlineQueues' | 'relayed'> {
  return {
    groups: snapshot.groups.map((group) => ({
      jid: group.jid,
      subject: group.subject,
      creator: group.creator.number,
      createdAt: group.createdAt.toISOString(),
      subjectAt: group.subjectAt.toISOString(),
      participants: [...group.participants.values()].map(({ phone, admin }) => ({
        number: phone.number,
        admin,
      })),
    })),
    offlineQueues: [...snapshot.queues]
      .filter(([, stanzas]) => stanzas.length)
      .map(([key, stanzas]) => {
        const colon = key.lastIndexOf(':');
        return {
          number: key.slice(0, colon),
          deviceId: Number(key.slice(colon + 1)),
          stanzas: stanzas.map(encodeNode),
        };
      }),
    relayed: snapshot.relayed.map(([key, record]) => ({
      sender: record.sender.number,
      messageId: key.slice(key.indexOf('|') + 1),
      chat: record.chat,
      lidAddressed: record.lidAddressed,
      group: record.group?.jid ?? null,
      receipts: [...record.receipts],
    })),
  };
}

/**
 * Decodes the router's memory against the restored phones (`phone(number)`); entries naming a
 * phone or group the state does not hold are dropped.
 */
export function decodeRouter(
  state: Pick<SandboxState, 'groups' | 'offlineQueues' | 'relayed'>,
  phone: (number: string) => Phone | undefined,
): RouterSnapshot {
  const groups: Group[] = [];
  for (const group of state.groups) {
    const creator = phone(group.creator);
    if (!creator) {
      continue;
    }
    const participants: Group['participants'] = new Map();
    for (const member of group.participants) {
      const memberPhone = phone(member.number);
      if (memberPhone) {
        participants.set(member.number, { phone: memberPhone, admin: member.admin });
      }
    }
    groups.push({
      jid: group.jid,
      subject: group.subject,
      creator,
      createdAt: new Date(group.createdAt),
      subjectAt: new Date(group.subjectAt),
      participants,
    });
  }
  const byJid = new Map(groups.map((group) => [group.jid, group]));
  const relayed: [string, RelayedRecord][] = [];
  for (const item of state.relayed) {
    const sender = phone(item.sender);
    if (!sender) {
      continue;
    }
    const group = item.group ? byJid.get(item.group) : undefined;
    relayed.push([
      `${item.sender}|${item.messageId}`,
      {
        sender,
        chat: item.chat,
        lidAddressed: item.lidAddressed,
        ...(group ? { group } : {}),
        receipts: new Set(item.receipts),
      },
    ]);
  }
  const queues = new Map<string, BinaryNode[]>();
  for (const queue of state.offlineQueues) {
    if (phone(queue.number)) {
      queues.set(`${queue.number}:${queue.deviceId}`, queue.stanzas.map(decodeNode));
    }
  }
  return { queues, relayed, groups };
}

/** Encodes the media host's files. */
export function encodeMedia(auth: string, files: Map<string, Buffer>): SandboxState['media'] {
  return { auth, files: [...files].map(([path, data]) => ({ path, data: b64(data) })) };
}

/** Decodes the media host's files. */
export function decodeMedia(media: SandboxState['media']): Map<string, Buffer> {
  return new Map(media.files.map((file) => [file.path, bytes(file.data)]));
}

/**
 * Checks that `value` looks like a {@link SandboxState} of this version (the parts a restore
 * reads first); throws an Error naming what is wrong.
 */
export function assertSandboxState(value: unknown): asserts value is SandboxState {
  const state = value as Partial<SandboxState> | null;
  if (typeof state !== 'object' || state === null) {
    throw new Error('sandbox state must be a JSON object');
  }
  if (!READABLE_STATE_VERSIONS.includes(state.version as number)) {
    throw new Error(
      `sandbox state version ${String(state.version)} is not supported (expected ${READABLE_STATE_VERSIONS.join(' or ')})`,
    );
  }
  if (state.appState !== undefined && !Array.isArray(state.appState)) {
    throw new Error('sandbox state has an appState that is not an array');
  }
  for (const key of ['phones', 'groups', 'offlineQueues', 'relayed'] as const) {
    if (!Array.isArray(state[key])) {
      throw new Error(`sandbox state has no ${key} array`);
    }
  }
  if (!state.server?.noiseKey || !state.media || !Array.isArray(state.media.files)) {
    throw new Error('sandbox state has no server key or media section');
  }
}

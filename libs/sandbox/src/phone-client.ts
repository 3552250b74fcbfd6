import { randomBytes, randomInt } from 'node:crypto';
import { Agent } from 'node:https';

import type {
  AnyMessageContent,
  AuthenticationCreds,
  AuthenticationState,
  KeyPair,
  MiscMessageGenerationOptions,
  proto,
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
  WAMessage,
  WASocket,
} from 'baileys';
import pino from 'pino';

import type { BaileysModule } from './baileys-loader';
import { lidJid, pnJid } from './jid';
import type { SandboxLogger } from './logger';
import { SANDBOX_MEDIA_CERT } from './media-cert';
import { type PhoneMessageView, toMessageView } from './message-view';
import { encodeClientState, type PhoneClientState, type RestoredPhoneClient } from './persistence';
import { PhoneEventLog, RECORDED_PHONE_EVENTS } from './phone-events';
import type { DeviceKeys } from './state';

/** One-time prekeys each phone's primary has on the server when it is created. */
export const PRIMARY_PREKEY_COUNT = 30;
/** Client version the primaries report (never fetched from the internet). */
const PRIMARY_CLIENT_VERSION: [number, number, number] = [2, 3000, 1023223821];
/** Delay before a primary whose connection dropped logs in again. */
const RECONNECT_DELAY_MS = 250;

/**
 * A Signal key store kept in memory over `data` (entries by `<type>/<id>`): the primaries' keys
 * live as long as the sandbox, or in its exported state (persistence.ts).
 */
function memoryKeyStore(data: Map<string, unknown>): SignalKeyStore {
  return {
    get: <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const out: Record<string, SignalDataTypeMap[T]> = {};
      for (const id of ids) {
        const value = data.get(`${type}/${id}`);
        if (value !== undefined) {
          out[id] = value as SignalDataTypeMap[T];
        }
      }
      return out;
    },
    set: (set: SignalDataSet) => {
      for (const [type, values] of Object.entries(set)) {
        for (const [id, value] of Object.entries(values ?? {})) {
          if (value === null || value === undefined) {
            data.delete(`${type}/${id}`);
          } else {
            data.set(`${type}/${id}`, value);
          }
        }
      }
    },
  };
}

/** What the server needs to register a primary: its Noise key and its Signal key bundle. */
export interface PrimaryRegistration {
  noiseKey: Buffer;
  identity: KeyPair;
  keys: DeviceKeys;
}

/** A message a phone received or sent through its primary, with the raw Baileys message. */
interface StoredMessage {
  message: WAMessage;
  /** True for messages this primary sent itself (not shown by `GET messages`). */
  own: boolean;
}

/**
 * The primary device (device 0) of a sandbox phone: a real Baileys socket with its own
 * credentials (`initAuthCreds()`), in-memory Signal keys and prekeys registered with the server
 * before it ever connects, so companions can fetch its bundle at once. It logs in to the
 * sandbox like any client, decrypts what it receives with libsignal and keeps it for
 * `GET /phones/:number/messages`; it reconnects whenever its connection drops.
 */
export class PhoneClient {
  /** Messages in arrival order (received ones and the primary's own sends). */
  private readonly messages: StoredMessage[] = [];
  /** What the primary observed besides messages (app-state changes, presence, receipts, …). */
  readonly events = new PhoneEventLog();
  private readonly auth: AuthenticationState;
  /** The key store's entries, by `<type>/<id>`. */
  private readonly keyData: Map<string, unknown>;
  private sock?: WASocket;
  private wsUrl?: string;
  private stopped = false;
  private open = false;
  private online = true;
  private reconnectTimer?: NodeJS.Timeout;
  private readonly openWaiters = new Set<() => void>();
  /** Public halves of the prekeys generated at creation, for the server's key store. */
  private readonly preKeysForServer: { keyId: number; publicKey: Buffer }[] = [];

  /**
   * A new primary with fresh credentials and prekeys, or, with `restored`, the primary of a
   * saved sandbox (persistence.ts) with its credentials, Signal keys and messages.
   */
  constructor(
    private readonly b: BaileysModule,
    readonly number: string,
    lid: string,
    name: string,
    rawId: number,
    private readonly logger: SandboxLogger,
    restored?: RestoredPhoneClient,
  ) {
    if (restored) {
      this.keyData = restored.keys;
      this.auth = { creds: restored.creds, keys: memoryKeyStore(this.keyData) };
      this.messages.push(...restored.messages);
      this.online = restored.online;
      if (!this.auth.creds.myAppStateKeyId) {
        // a phone saved before app state (state version 1) gets its key now
        this.createAppStateKey(rawId);
      }
      return;
    }
    const creds: AuthenticationCreds = b.initAuthCreds();
    this.keyData = new Map();
    const keys = memoryKeyStore(this.keyData);
    const preKeys: Record<string, KeyPair> = {};
    for (let id = 1; id <= PRIMARY_PREKEY_COUNT; id++) {
      preKeys[String(id)] = b.Curve.generateKeyPair();
    }
    void keys.set({ 'pre-key': preKeys });
    const jid = pnJid(number);
    creds.nextPreKeyId = PRIMARY_PREKEY_COUNT + 1;
    creds.firstUnuploadedPreKeyId = PRIMARY_PREKEY_COUNT + 1;
    creds.me = { id: jid, lid: lidJid(lid), name };
    creds.registered = true;
    creds.platform = 'android';
    creds.accountSyncCounter = 1;
    // Signing costs ~10 ms (pure-JS XEdDSA, far more under Jest's VM): the account identity is
    // only needed once the primary sends its first pkmsg, so it is signed on first use.
    let account: proto.IADVSignedDeviceIdentity | undefined;
    Object.defineProperty(creds, 'account', {
      enumerable: true,
      configurable: true,
      get: () => (account ??= this.selfSignedAccount(rawId, creds.signedIdentityKey)),
      set: (value: proto.IADVSignedDeviceIdentity | undefined) => {
        account = value;
      },
    });
    creds.signalIdentities = [
      {
        identifier: { name: jid, deviceId: 0 },
        identifierKey: b.generateSignalPubKey(creds.signedIdentityKey.public),
      },
    ];
    this.auth = { creds, keys };
    this.createAppStateKey(rawId);
    this.preKeysForServer = Object.entries(preKeys).map(([id, pair]) => ({
      keyId: Number(id),
      publicKey: Buffer.from(pair.public),
    }));
  }

  /**
   * The account's app-state sync key, as WhatsApp's phone owns one (libs/sandbox/README.md,
   * "App state"): `keyId` 6 bytes shaped `00 00 00 00 xx xx`, `keyData` 32 random bytes (Baileys derives the
   * patch keys from it), a fingerprint and a timestamp (ms). Stored in the primary's key store
   * (`app-state-sync-key`, id = base64 keyId) and named by `creds.myAppStateKeyId`, so the
   * primary reads and writes patches itself.
   */
  private createAppStateKey(rawId: number): void {
    const keyId = Buffer.concat([
      Buffer.alloc(4),
      Buffer.from([randomInt(1, 256), randomInt(0, 256)]),
    ]);
    const id = keyId.toString('base64');
    const keyData = this.b.proto.Message.AppStateSyncKeyData.fromObject({
      keyData: randomBytes(32),
      fingerprint: { rawId, currentIndex: 0, deviceIndexes: [0] },
      timestamp: Date.now(),
    });
    void this.auth.keys.set({ 'app-state-sync-key': { [id]: keyData } });
    this.auth.creds.myAppStateKeyId = id;
  }

  /**
   * The primary sends the account's app-state key to one of its companions, as WhatsApp's
   * phone does after a link: a peer `protocolMessage { type: APP_STATE_SYNC_KEY_SHARE }`
   * encrypted to that device only (DSM-wrapped; libs/sandbox/README.md, "App state"). The
   * companion's Baileys stores it and emits `creds.update { myAppStateKeyId }`.
   * @param deviceJid the companion's device JID (`<number>:<id>@s.whatsapp.net`).
   * @throws Error when the primary is not connected or the message cannot be encrypted (e.g.
   *   the companion's keys are not on the server yet).
   */
  async shareAppStateKey(deviceJid: string): Promise<void> {
    const sock = this.socket();
    const { b } = this;
    const id = this.auth.creds.myAppStateKeyId;
    const stored = id ? this.keyData.get(`app-state-sync-key/${id}`) : undefined;
    if (!id || !stored) {
      throw new Error(`the phone ${this.number} has no app-state key`);
    }
    const message: proto.IMessage = {
      protocolMessage: {
        type: b.proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE,
        appStateSyncKeyShare: {
          keys: [
            {
              keyId: { keyId: Buffer.from(id, 'base64') },
              keyData: stored,
            },
          ],
        },
      },
    };
    await sock.relayMessage(pnJid(this.number), message, {
      messageId: b.generateMessageIDV2(pnJid(this.number)),
      participant: { jid: deviceJid, count: 0 },
      additionalAttributes: { category: 'peer', push_priority: 'high_force' },
    });
  }

  /** The primary's identity key pair (also the account's ADV signing key). */
  get identity(): KeyPair {
    return this.auth.creds.signedIdentityKey;
  }

  /** The primary's credentials, Signal keys and messages as JSON (persistence.ts). */
  exportState(): PhoneClientState {
    return encodeClientState(this.b, {
      creds: this.auth.creds,
      keys: this.keyData,
      messages: this.messages,
      online: this.online,
    });
  }

  /** The Noise key and Signal bundle to register as device 0 of the phone. */
  registration(): PrimaryRegistration {
    const { creds } = this.auth;
    return {
      noiseKey: Buffer.from(creds.noiseKey.public),
      identity: creds.signedIdentityKey,
      keys: {
        registrationId: creds.registrationId,
        identityKey: Buffer.from(creds.signedIdentityKey.public),
        signedPreKey: {
          keyId: creds.signedPreKey.keyId,
          publicKey: Buffer.from(creds.signedPreKey.keyPair.public),
          signature: Buffer.from(creds.signedPreKey.signature),
        },
        preKeys: new Map(this.preKeysForServer.map((key) => [key.keyId, key])),
      },
    };
  }

  /** True while the primary is logged in. */
  get isOpen(): boolean {
    return this.open;
  }

  /** Connects to the sandbox at `wsUrl` (and keeps reconnecting until {@link stop}). */
  start(wsUrl: string): void {
    this.wsUrl = wsUrl;
    this.connect();
  }

  /**
   * Takes the primary off the network (`false`: its socket is ended and it stays away, so the
   * server queues what is sent to it) or brings it back (`true`).
   */
  setOnline(online: boolean): void {
    if (this.online === online) {
      return;
    }
    this.online = online;
    if (online) {
      this.connect();
    } else {
      clearTimeout(this.reconnectTimer);
      const sock = this.sock;
      this.sock = undefined;
      this.open = false;
      void sock?.end(undefined);
    }
  }

  /** Ends the socket for good. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const sock = this.sock;
    this.sock = undefined;
    this.open = false;
    for (const waiter of this.openWaiters) {
      waiter();
    }
    if (sock) {
      await sock.end(undefined);
    }
  }

  /** Resolves once the primary is logged in; rejects after `timeoutMs`. */
  whenOpen(timeoutMs: number): Promise<void> {
    if (this.open) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.openWaiters.delete(done);
        reject(new Error(`the phone ${this.number} is not connected`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.openWaiters.delete(done);
        if (this.open) {
          resolve();
        } else {
          reject(new Error(`the phone ${this.number} is not connected`));
        }
      };
      this.openWaiters.add(done);
    });
  }

  /** Sends `content` to `jid` through the primary's socket; returns the sent message. */
  async send(
    jid: string,
    content: AnyMessageContent,
    options: MiscMessageGenerationOptions = {},
  ): Promise<WAMessage> {
    const sock = this.sock;
    if (!sock || !this.open) {
      throw new Error(`the phone ${this.number} is not connected`);
    }
    const sent = await sock.sendMessage(jid, content, options);
    if (!sent) {
      throw new Error('Baileys did not return the sent message');
    }
    this.messages.push({ message: sent, own: true });
    return sent;
  }

  /** Relays a ready protobuf message (e.g. a poll vote) to `jid`; returns the sent message. */
  async sendRaw(jid: string, message: proto.IMessage): Promise<WAMessage> {
    const sock = this.sock;
    const me = this.auth.creds.me?.id;
    if (!sock || !this.open || !me) {
      throw new Error(`the phone ${this.number} is not connected`);
    }
    const full = this.b.generateWAMessageFromContent(jid, message, { userJid: me });
    await sock.relayMessage(jid, full.message as proto.IMessage, {
      messageId: full.key.id as string,
    });
    this.messages.push({ message: full, own: true });
    return full;
  }

  /** Sends read (`read`) or played (`played`) receipts for messages the phone received. */
  async sendReceipts(keys: proto.IMessageKey[], type: 'read' | 'played'): Promise<void> {
    const sock = this.sock;
    if (!sock || !this.open) {
      throw new Error(`the phone ${this.number} is not connected`);
    }
    await sock.sendReceipts(keys, type);
  }

  /**
   * The primary's open socket, for features that act as the phone (app-state changes, presence).
   * @throws Error when the primary is not connected.
   */
  socket(): WASocket {
    if (!this.sock || !this.open) {
      throw new Error(`the phone ${this.number} is not connected`);
    }
    return this.sock;
  }

  /** The primary's credentials (live object: Baileys' `creds.update` events are merged in). */
  get creds(): AuthenticationCreds {
    return this.auth.creds;
  }

  /** The primary's Signal/app-state key store. */
  get keys(): SignalKeyStore {
    return this.auth.keys;
  }

  /** The stored message (received or sent) with this id, newest first. */
  findMessage(id: string): WAMessage | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i].message.key.id === id) {
        return this.messages[i].message;
      }
    }
    return undefined;
  }

  /**
   * The newest stored message (received or sent) of chat `jid` that has a timestamp, for
   * Baileys' `lastMessages` of an app-state change (archive, markRead, delete); a copy.
   */
  lastMessageIn(jid: string): WAMessage | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const { message } = this.messages[i];
      if (message.key.remoteJid === jid && message.key.id && message.messageTimestamp) {
        return { ...message, key: { ...message.key } };
      }
    }
    return undefined;
  }

  /** Messages the primary received from the server (decrypted), in arrival order. */
  receivedMessages(): PhoneMessageView[] {
    return this.messages
      .filter((stored) => !stored.own)
      .map((stored) => toMessageView(this.b, stored.message, pnJid(this.number)));
  }

  private connect(): void {
    if (this.stopped || !this.online || !this.wsUrl || this.sock) {
      return;
    }
    const sock = this.b.makeWASocket({
      waWebSocketUrl: this.wsUrl,
      auth: this.auth,
      version: PRIMARY_CLIENT_VERSION,
      browser: ['Android', 'Chrome', '14'],
      logger: pino({ level: 'silent' }),
      shouldSyncHistoryMessage: () => false,
      markOnlineOnConnect: false,
      fireInitQueries: false,
      emitOwnEvents: false,
      // patch and snapshot MACs are checked, so a mis-ordered or mis-numbered patch fails
      appStateMacVerification: { patch: true, snapshot: true },
      connectTimeoutMs: 5_000,
      // media uploads go to the sandbox's HTTPS media host
      fetchAgent: new Agent({ ca: SANDBOX_MEDIA_CERT }),
      getMessage: (key) =>
        Promise.resolve(key.id ? (this.findMessage(key.id)?.message ?? undefined) : undefined),
    });
    this.sock = sock;
    sock.ev.on('creds.update', (update) => {
      Object.assign(this.auth.creds, update);
    });
    sock.ev.on('messages.upsert', ({ messages }) => {
      for (const message of messages) {
        if (message.message || message.messageStubType) {
          this.messages.push({ message, own: false });
        }
      }
    });
    for (const type of RECORDED_PHONE_EVENTS) {
      sock.ev.on(type, (data: unknown) => this.events.record(type, data));
    }
    sock.ev.on('connection.update', (update) => {
      if (update.connection === 'open' && this.sock === sock) {
        this.open = true;
        this.logger.debug({ number: this.number }, 'primary online');
        for (const waiter of this.openWaiters) {
          waiter();
        }
      }
      if (update.connection === 'close') {
        if (this.sock === sock) {
          this.sock = undefined;
          this.open = false;
          if (!this.stopped && this.online) {
            this.reconnectTimer = setTimeout(() => this.connect(), RECONNECT_DELAY_MS);
          }
        }
      }
    });
  }

  /**
   * The primary's own ADV identity (key index 0), signed by itself: Baileys attaches
   * `creds.account` as `<device-identity>` to every pkmsg it sends.
   */
  private selfSignedAccount(rawId: number, identity: KeyPair): proto.IADVSignedDeviceIdentity {
    const { b } = this;
    const details = Buffer.from(
      b.proto.ADVDeviceIdentity.encode({
        rawId,
        timestamp: Math.floor(Date.now() / 1000),
        keyIndex: 0,
      }).finish(),
    );
    const accountSignature = b.Curve.sign(
      identity.private,
      Buffer.concat([b.WA_ADV_ACCOUNT_SIG_PREFIX, details, identity.public]),
    );
    const deviceSignature = b.Curve.sign(
      identity.private,
      Buffer.concat([b.WA_ADV_DEVICE_SIG_PREFIX, details, identity.public, identity.public]),
    );
    return {
      details,
      accountSignatureKey: identity.public,
      accountSignature,
      deviceSignature,
    };
  }
}

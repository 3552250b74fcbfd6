import { randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import type { BinaryNode, KeyPair, proto } from 'baileys';
import { WebSocketServer } from 'ws';

import { AppStateStore } from './app-state-store';
import type { BaileysModule } from './baileys-loader';
import { ChatConnection, type ChatConnectionHandler } from './chat-connection';
import type { PhoneDirectory } from './directory';
import { errorMessage, SandboxError } from './errors';
import {
  type ControlRoute,
  type FeatureClass,
  type FeatureHost,
  FeatureTable,
  type SandboxFeature,
} from './feature';
import { FEATURES } from './features';
import { lidForNumber, lidJid, pnJid } from './jid';
import type { SandboxLogger } from './logger';
import { MediaStore } from './media-server';
import { MessageRouter } from './messaging';
import { buildCertChain } from './noise';
import {
  assertSandboxState,
  decodeClientState,
  decodeKeyPair,
  decodePhone,
  decodeRouter,
  encodeKeyPair,
  encodePhone,
  encodeRouter,
  SANDBOX_STATE_VERSION,
  type SandboxState,
} from './persistence';
import { PhoneClient } from './phone-client';
import { childNodes, iqError, nowSeconds } from './stanza';
import type { Device, Phone } from './state';

/** Path of the chat WebSocket endpoint, as on `web.whatsapp.com`. */
export const CHAT_PATH = '/ws/chat';

/** Timing and sizing knobs of the emulated server (all durations in milliseconds). */
export interface ChatServerConfig {
  /** Refs per `pair-device` stanza, i.e. QR codes a client shows before it gives up (408). */
  qrRefCount: number;
  /** Validity of the first QR ref (WhatsApp clients show it 60 000 ms). */
  firstQrRefTtlMs: number;
  /** Validity added for each further ref (clients show each 20 000 ms). */
  nextQrRefTtlMs: number;
  /** How long an unanswered call rings before it becomes `timeout`. */
  callTimeoutMs: number;
  /** How long the phone waits for the companion's answers while linking. */
  companionReplyTimeoutMs: number;
  /** How long a control request waits for a phone's primary to be connected. */
  primaryReadyTimeoutMs: number;
}

/** Defaults matching WhatsApp's observable behaviour. */
export const DEFAULT_CHAT_SERVER_CONFIG: ChatServerConfig = {
  qrRefCount: 6,
  firstQrRefTtlMs: 60_000,
  nextQrRefTtlMs: 20_000,
  callTimeoutMs: 45_000,
  companionReplyTimeoutMs: 10_000,
  primaryReadyTimeoutMs: 5_000,
};

const MAX_DROP_MS = 10 * 60_000;

/** Public view of a companion device (`GET /phones`). */
export interface CompanionDeviceView {
  id: number;
  jid: string;
  lid: string;
  platform: string;
  connected: boolean;
  /** One-time prekeys the companion uploaded that no peer has fetched yet. */
  preKeyCount: number;
}

/** Public view of a phone's primary device (`GET /phones`). */
export interface PrimaryDeviceView {
  connected: boolean;
  /** One-time prekeys of the primary that no peer has fetched yet. */
  preKeyCount: number;
}

/** Public view of a phone (`GET /phones`). */
export interface PhoneView {
  number: string;
  jid: string;
  lid: string;
  name: string;
  primary: PrimaryDeviceView;
  devices: CompanionDeviceView[];
}

/**
 * The emulated WhatsApp chat server: accepts Baileys (or any WhatsApp Web) clients on
 * `/ws/chat`, keeps phones and their companion devices in memory, logs devices in and
 * dispatches what they send to the features (features/index.ts), which play the server's and
 * the phone's part in pairing, calls, groups, prekeys and the rest. The state lives in memory;
 * {@link exportState} saves it and the constructor's `state` brings it back (persistence.ts).
 */
export class ChatServer implements ChatConnectionHandler, PhoneDirectory, FeatureHost {
  private readonly phones = new Map<string, Phone>();
  private readonly phonesByLid = new Map<string, Phone>();
  private readonly connections = new Set<ChatConnection>();
  private readonly clients = new Map<string, PhoneClient>();
  /** Routes stanzas between devices and keeps the groups (messaging.ts). */
  readonly router: MessageRouter;
  /** The media host's store (uploads and downloads of encrypted media). */
  readonly media: MediaStore;
  /** The accounts' app-state patches and key-share memory (features/app-state.ts). */
  readonly appState: AppStateStore;
  private readonly features = new Map<FeatureClass, SandboxFeature>();
  private readonly table = new FeatureTable();
  private wsUrl?: string;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly serverStatic: KeyPair;
  private readonly certChain: Buffer;
  private networkDownUntil = 0;

  /**
   * An empty server, or with `state` (from {@link exportState}) the saved one: its phones with
   * their primaries' credentials, the linked companions, groups and queued stanzas. Builds and
   * registers every feature of `features`.
   * @throws Error when `state` is not a sandbox state of this version, or when two features
   *   register the same iq, stanza tag or control route.
   */
  constructor(
    readonly b: BaileysModule,
    readonly config: ChatServerConfig,
    readonly logger: SandboxLogger,
    state?: SandboxState,
    features: readonly FeatureClass[] = FEATURES,
  ) {
    if (state) {
      assertSandboxState(state);
    }
    this.serverStatic = state ? decodeKeyPair(state.server.noiseKey) : b.Curve.generateKeyPair();
    this.certChain = buildCertChain(b, this.serverStatic.public);
    this.router = new MessageRouter(this, logger);
    this.media = new MediaStore(state?.media);
    this.appState = new AppStateStore(b);
    for (const Feature of features) {
      const feature = new Feature(this);
      feature.register(this.table);
      this.features.set(Feature, feature);
    }
    if (state) {
      this.restore(state);
    }
  }

  /**
   * The running instance of a feature class (for the programmatic API in sandbox.ts).
   * @throws Error when the server was built without that feature.
   */
  feature<T extends SandboxFeature>(type: FeatureClass<T>): T {
    const feature = this.features.get(type);
    if (!feature) {
      throw new Error(`the sandbox runs no ${type.name}`);
    }
    return feature as T;
  }

  /** The control routes the features registered (control-api.ts adds the core ones). */
  get featureRoutes(): readonly ControlRoute[] {
    return this.table.routes;
  }

  /**
   * Everything the server keeps, as JSON (persistence.ts); take it while no stanza is in
   * flight (e.g. after the companions stopped) for a consistent snapshot.
   */
  exportState(): SandboxState {
    return {
      version: SANDBOX_STATE_VERSION,
      exportedAt: new Date().toISOString(),
      server: { noiseKey: encodeKeyPair(this.serverStatic) },
      phones: [...this.phones.values()].map((phone) =>
        encodePhone(phone, (this.clients.get(phone.number) as PhoneClient).exportState()),
      ),
      ...encodeRouter(this.router.snapshot()),
      media: this.media.exportState(),
      appState: this.appState.exportState(),
    };
  }

  private restore(state: SandboxState): void {
    const exportedAt = new Date(state.exportedAt);
    for (const saved of state.phones) {
      const client = new PhoneClient(
        this.b,
        saved.number,
        saved.lid,
        saved.name,
        saved.rawId,
        this.logger,
        decodeClientState(this.b, saved.client),
      );
      const phone = decodePhone(saved, client.identity, exportedAt);
      this.phones.set(phone.number, phone);
      this.phonesByLid.set(phone.lid, phone);
      this.clients.set(phone.number, client);
    }
    this.router.load(decodeRouter(state, (number) => this.phones.get(number)));
    this.appState.load(state.appState ?? []);
    this.logger.info(
      { phones: this.phones.size, exportedAt: state.exportedAt },
      'sandbox state restored',
    );
  }

  /**
   * Tells the server its own chat URL once it listens, and connects the primaries of the phones
   * created so far (later phones connect as they are created).
   */
  attach(wsUrl: string): void {
    this.wsUrl = wsUrl;
    for (const client of this.clients.values()) {
      client.start(wsUrl);
    }
  }

  /** Ends every phone's primary socket (before {@link close}). */
  async stopPhones(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.stop()));
  }

  /** Handles an HTTP upgrade request for the chat endpoint (wired to the HTTP server). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?')[0];
    if (Date.now() < this.networkDownUntil) {
      socket.destroy();
      return;
    }
    if (path !== CHAT_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const conn = new ChatConnection(
        this.b,
        ws,
        this.serverStatic,
        this.certChain,
        this,
        (c, err) => this.logger.debug({ conn: c.id, err: errorMessage(err) }, 'connection error'),
      );
      this.connections.add(conn);
      this.logger.debug({ conn: conn.id }, 'client connected');
    });
  }

  /** Cuts every connection and clears the features' timers; the server can not be used afterwards. */
  close(): void {
    for (const conn of this.connections) {
      conn.terminate();
    }
    this.table.shutdown();
    this.wss.close();
  }

  // ---- PhoneDirectory ----

  /** The phone with this number (digits only), if any. */
  phoneByNumber(number: string): Phone | undefined {
    return this.phones.get(number);
  }

  /** The phone with this LID user (15 digits, no server), if any. */
  phoneByLid(lid: string): Phone | undefined {
    return this.phonesByLid.get(lid);
  }

  // ---- control operations ----

  /**
   * Creates a phone (a WhatsApp account with its primary device).
   * @throws SandboxError 400 when the number is not 8–15 digits, 409 when it exists.
   */
  createPhone(number: unknown, name: unknown): { number: string; jid: string; lid: string } {
    if (typeof number !== 'string' || !/^\d{8,15}$/.test(number)) {
      throw new SandboxError(400, 'number must be a string of 8 to 15 digits');
    }
    if (name !== undefined && (typeof name !== 'string' || name.length > 100)) {
      throw new SandboxError(400, 'name must be a string of at most 100 characters');
    }
    if (this.phones.has(number)) {
      throw new SandboxError(409, `phone ${number} already exists`);
    }
    const lid = lidForNumber(number);
    const displayName = typeof name === 'string' && name ? name : number;
    const rawId = randomInt(1, 2 ** 31);
    const client = new PhoneClient(this.b, number, lid, displayName, rawId, this.logger);
    const registration = client.registration();
    const phone: Phone = {
      number,
      jid: pnJid(number),
      lid,
      name: displayName,
      rawId,
      identity: registration.identity,
      primary: {
        id: 0,
        jid: pnJid(number),
        lid: lidJid(lid),
        noiseKey: registration.noiseKey,
        keys: registration.keys,
        keyIndex: 0,
      },
      devices: new Map(),
      nextDeviceId: 1,
      nextKeyIndex: 1,
      calls: [],
      receipts: [],
      createdAt: new Date(),
    };
    this.phones.set(number, phone);
    this.clients.set(number, client);
    if (this.wsUrl) {
      client.start(this.wsUrl);
    }
    this.phonesByLid.set(phone.lid, phone);
    this.logger.info({ number, lid: phone.lid }, 'phone created');
    return { number, jid: phone.jid, lid: lidJid(phone.lid) };
  }

  /** Every phone with its linked companion devices. */
  listPhones(): PhoneView[] {
    return [...this.phones.values()].map((phone) => ({
      number: phone.number,
      jid: phone.jid,
      lid: lidJid(phone.lid),
      name: phone.name,
      primary: {
        connected: this.connectionOf(phone, 0) !== undefined,
        preKeyCount: phone.primary.keys.preKeys.size,
      },
      devices: [...phone.devices.values()].map((device) => ({
        id: device.id,
        jid: device.jid,
        lid: device.lid,
        platform: device.platform,
        connected: this.connectionOf(phone, device.id) !== undefined,
        preKeyCount: device.keys.preKeys.size,
      })),
    }));
  }

  /**
   * Simulates a network outage: every WebSocket is cut at once and upgrade requests are
   * refused (socket destroyed) for `ms` milliseconds.
   * @throws SandboxError 400 when ms is not an integer from 1 to 600 000.
   */
  dropNetwork(ms: unknown): { until: string } {
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 1 || ms > MAX_DROP_MS) {
      throw new SandboxError(400, `ms must be an integer from 1 to ${MAX_DROP_MS}`);
    }
    this.networkDownUntil = Date.now() + ms;
    for (const conn of this.connections) {
      conn.terminate();
    }
    this.logger.info({ ms }, 'network dropped');
    return { until: new Date(this.networkDownUntil).toISOString() };
  }

  /**
   * Takes a phone's primary off the network (`online: false`: its socket closes and the
   * server queues what is sent to it) or brings it back (`true`: it logs in and receives the
   * queue, marked offline).
   * @throws SandboxError 400 bad flag, 404 unknown phone.
   */
  setPhoneOnline(number: string, online: unknown): { online: boolean } {
    if (typeof online !== 'boolean') {
      throw new SandboxError(400, 'online must be true or false');
    }
    this.requirePhone(number);
    const client = this.clients.get(number) as PhoneClient;
    client.setOnline(online);
    if (!online) {
      const phone = this.phones.get(number) as Phone;
      this.connectionOf(phone, 0)?.close();
    }
    return { online };
  }

  // ---- FeatureHost ----

  /** @throws SandboxError 404 when no phone has this number. */
  requirePhone(number: string): Phone {
    const phone = this.phones.get(number);
    if (!phone) {
      throw new SandboxError(404, `no phone with number ${number}`);
    }
    return phone;
  }

  /** The phone's primary (a Baileys client). @throws SandboxError 404 unknown phone. */
  phoneClient(number: string): PhoneClient {
    this.requirePhone(number);
    return this.clients.get(number) as PhoneClient;
  }

  /**
   * The phone's primary once its socket is open.
   * @throws SandboxError 404 unknown phone, 409 when it is not open within `primaryReadyTimeoutMs`.
   */
  async readyClient(number: string): Promise<PhoneClient> {
    const client = this.phoneClient(number);
    try {
      await client.whenOpen(this.config.primaryReadyTimeoutMs);
    } catch (err) {
      throw new SandboxError(409, errorMessage(err));
    }
    return client;
  }

  /** The open, logged-in connection of a phone's device (0 = primary), if any. */
  connectionOf(phone: Phone, deviceId: number): ChatConnection | undefined {
    for (const conn of this.connections) {
      if (conn.isOpen && conn.login?.phone === phone && conn.login.device.id === deviceId) {
        return conn;
      }
    }
    return undefined;
  }

  /** The open, logged-in connections of a phone's companions (not the primary). */
  companionConnections(phone: Phone): ChatConnection[] {
    return [...this.connections].filter(
      (conn) => conn.isOpen && conn.login?.phone === phone && conn.login.device.id !== 0,
    );
  }

  // ---- ChatConnectionHandler ----

  /** Registration stream (a client without an account): the features take it (pairing). */
  onRegistration(conn: ChatConnection): void {
    this.table.registered(conn);
  }

  /**
   * Login stream: a known device presenting its registered Noise key gets `<success>` and
   * `<ib><offline count="0"/>`; anything else gets `<failure reason="401">` (Baileys: loggedOut).
   */
  onLogin(conn: ChatConnection, payload: proto.IClientPayload): void {
    const number =
      payload.username === null || payload.username === undefined ? '' : String(payload.username);
    const deviceId = payload.device ?? 0;
    const phone = this.phones.get(number);
    const device: Device | undefined =
      deviceId === 0 ? phone?.primary : phone?.devices.get(deviceId);
    if (!phone || !device || !conn.noiseKey?.equals(device.noiseKey)) {
      this.logger.info({ conn: conn.id, number, deviceId }, 'login refused: unknown device');
      conn.send({ tag: 'failure', attrs: { reason: '401', location: 'sandbox' } });
      conn.close();
      return;
    }
    const previous = this.connectionOf(phone, deviceId);
    if (previous) {
      previous.send({
        tag: 'stream:error',
        attrs: {},
        content: [{ tag: 'conflict', attrs: { type: 'replaced' } }],
      });
      previous.close();
    }
    conn.login = { phone, device };
    this.logger.info({ conn: conn.id, jid: device.jid }, 'login');
    conn.send({
      tag: 'success',
      attrs: {
        t: nowSeconds(),
        props: '1',
        abprops: '1',
        location: 'sandbox',
        lid: lidJid(phone.lid),
        display_name: phone.name,
        creation: String(Math.floor(phone.createdAt.getTime() / 1000)),
      },
    });
    const queued = this.router.flushOffline(conn, phone, deviceId);
    conn.send({
      tag: 'ib',
      attrs: {},
      content: [{ tag: 'offline', attrs: { count: String(queued) } }],
    });
    this.table.loggedIn(conn);
  }

  /**
   * Answers every get/set iq (through the features' registry), hands other stanzas to the
   * feature registered for their tag (`message`, `receipt`, `call`, …); acks, presence and
   * telemetry have no handler and need no reply.
   */
  onNode(conn: ChatConnection, node: BinaryNode): void {
    if (node.tag === 'iq') {
      if (node.attrs.type === 'get' || node.attrs.type === 'set') {
        conn.send(this.answerIq(conn, node));
      }
      return;
    }
    this.table.findStanza(node.tag)?.(conn, node);
  }

  /** Forgets the connection (features drop what they kept for it, e.g. pairing requests). */
  onClose(conn: ChatConnection): void {
    this.connections.delete(conn);
    this.table.disconnected(conn);
    this.logger.debug({ conn: conn.id, jid: conn.login?.device.jid }, 'client disconnected');
  }

  /**
   * The answer to a get/set iq: the registered handler's (libs/sandbox/README.md). Before
   * login only handlers registered with `iqBeforeLogin` answer. An iq no handler takes is
   * refused with `<error code="501" text="feature-not-implemented"/>`, before and after login.
   */
  private answerIq(conn: ChatConnection, iq: BinaryNode): BinaryNode {
    const first = childNodes(iq)[0];
    const entry = this.table.findIq(iq, first);
    if (entry?.beforeLogin) {
      return entry.answer({ conn, iq, first });
    }
    const login = conn.login;
    if (!entry || !login) {
      // WhatsApp refuses what it does not serve; an empty result would let the client believe
      // a change applied that no other device ever sees (libs/sandbox/README.md).
      this.logger.warn(
        { conn: conn.id, xmlns: iq.attrs.xmlns, type: iq.attrs.type, child: first?.tag },
        'iq no feature answers: refused with 501',
      );
      return iqError(iq, 501, 'feature-not-implemented');
    }
    return entry.answer({ conn, iq, first, phone: login.phone, device: login.device });
  }
}

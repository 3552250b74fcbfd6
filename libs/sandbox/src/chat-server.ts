import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import type { BinaryNode, KeyPair, proto, WAMessage } from 'baileys';
import { WebSocketServer } from 'ws';

import { issueDeviceIdentity, pairSuccessNode, verifyPairDeviceSign } from './adv';
import type { BaileysModule } from './baileys-loader';
import { ChatConnection, type ChatConnectionHandler } from './chat-connection';
import { SandboxError } from './errors';
import { answerCompanionIq, iqError, iqResult, type PhoneDirectory } from './iq-results';
import { lidForNumber, lidJid, numberFromJidOrNumber, pnJid, SERVER_JID } from './jid';
import {
  deriveAdvSecret,
  normalizePairingCode,
  openKeyBundle,
  unwrapEphemeralKey,
  wrapEphemeralKey,
} from './link-code';
import type { SandboxLogger } from './logger';
import { MediaStore } from './media-server';
import type { PhoneMessageView } from './message-view';
import { type GroupView, MessageRouter, type ReceiptView } from './messaging';
import { buildCertChain } from './noise';
import { buildOutgoing, resolveRecipient } from './outgoing';
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
import type { CallRecord, CompanionDevice, Device, Phone } from './state';

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

/** Platform the sandbox's phones report in `pair-success` (`<platform name>`). */
const PRIMARY_PLATFORM = 'android';
/** How long spent or expired refs are remembered (to answer 410 rather than 404). */
const REF_MEMORY_MS = 15 * 60_000;
const MAX_DROP_MS = 10 * 60_000;

interface QrRef {
  ref: string;
  conn: ChatConnection;
  expiresAt: number;
  state: 'waiting' | 'used';
}

interface LinkCodeRequest {
  ref: string;
  conn: ChatConnection;
  /** The phone number the companion asked to link to. */
  number: string;
  wrappedCompanionEphemeral: Buffer;
  createdAt: number;
  state: 'waiting' | 'used';
  /** True while the phone is exchanging primary_hello / companion_finish with the companion. */
  busy: boolean;
}

interface ActiveCall {
  record: CallRecord;
  caller: Phone;
  callee: Phone;
  timer: NodeJS.Timeout;
}

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

/** `GET /phones/:number/messages`: what the phone received, and receipts for what it sent. */
export interface PhoneMessagesView {
  messages: PhoneMessageView[];
  receipts: ReceiptView[];
}

/** Public view of a call (`GET /phones/:number/calls`); times are ISO-8601 strings. */
export interface CallView {
  id: string;
  to: string;
  status: CallRecord['status'];
  at: string;
  endedAt: string | null;
}

function childNodes(node: BinaryNode | undefined): BinaryNode[] {
  return Array.isArray(node?.content) ? node.content : [];
}

function nowSeconds(): string {
  return String(Math.floor(Date.now() / 1000));
}

function toCallView(record: CallRecord): CallView {
  return {
    id: record.id,
    to: record.to,
    status: record.status,
    at: record.at.toISOString(),
    endedAt: record.endedAt ? record.endedAt.toISOString() : null,
  };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The emulated WhatsApp chat server: accepts Baileys (or any WhatsApp Web) clients on
 * `/ws/chat`, keeps phones and their companion devices in memory, and plays the phone's part in
 * QR and pairing-code linking. The state lives in memory; {@link exportState} saves it and the
 * constructor's `state` brings it back (persistence.ts).
 */
export class ChatServer implements ChatConnectionHandler, PhoneDirectory {
  private readonly phones = new Map<string, Phone>();
  private readonly phonesByLid = new Map<string, Phone>();
  private readonly connections = new Set<ChatConnection>();
  private readonly refs = new Map<string, QrRef>();
  private readonly linkCodeRequests = new Map<string, LinkCodeRequest>();
  private readonly activeCalls = new Map<string, ActiveCall>();
  private readonly clients = new Map<string, PhoneClient>();
  private readonly router: MessageRouter;
  /** The media host's store (uploads and downloads of encrypted media). */
  readonly media: MediaStore;
  private wsUrl?: string;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly serverStatic: KeyPair;
  private readonly certChain: Buffer;
  private networkDownUntil = 0;

  /**
   * An empty server, or with `state` (from {@link exportState}) the saved one: its phones with
   * their primaries' credentials, the linked companions, groups and queued stanzas.
   * @throws Error when `state` is not a sandbox state of this version.
   */
  constructor(
    private readonly b: BaileysModule,
    private readonly config: ChatServerConfig,
    private readonly logger: SandboxLogger,
    state?: SandboxState,
  ) {
    if (state) {
      assertSandboxState(state);
    }
    this.serverStatic = state ? decodeKeyPair(state.server.noiseKey) : b.Curve.generateKeyPair();
    this.certChain = buildCertChain(b, this.serverStatic.public);
    this.router = new MessageRouter(this, logger);
    this.media = new MediaStore(state?.media);
    if (state) {
      this.restore(state);
    }
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

  /** Cuts every connection and clears timers; the server can not be used afterwards. */
  close(): void {
    for (const conn of this.connections) {
      conn.terminate();
    }
    for (const call of this.activeCalls.values()) {
      clearTimeout(call.timer);
    }
    this.activeCalls.clear();
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
   * The phone scans a QR code a companion shows: sends `pair-success`, waits for the
   * companion's `pair-device-sign`, then restarts its stream (515).
   * @param qr the raw QR string (`https://wa.me/settings/linked_devices#ref,noise,identity,adv,platform`
   *   or the older `ref,noise,identity,adv`).
   * @returns the new companion's JID and LID.
   * @throws SandboxError 400 malformed QR, 404 unknown phone or ref, 410 expired or spent ref,
   *   409 when the companion does not complete the pairing.
   */
  async linkByQr(number: string, qr: unknown): Promise<{ jid: string; lid: string }> {
    const phone = this.requirePhone(number);
    if (typeof qr !== 'string' || !qr) {
      throw new SandboxError(400, 'qr must be the QR string the companion shows');
    }
    const parts = (qr.includes('#') ? qr.slice(qr.indexOf('#') + 1) : qr).split(',');
    if (parts.length < 4 || parts.slice(0, 4).some((part) => !part)) {
      throw new SandboxError(400, 'qr is not a WhatsApp linking QR code');
    }
    const [ref, noiseB64, identityB64, advB64] = parts;
    this.pruneRefs();
    const entry = this.refs.get(ref);
    if (!entry) {
      throw new SandboxError(404, 'no companion is waiting on this QR ref');
    }
    if (entry.state !== 'waiting' || Date.now() > entry.expiresAt || !entry.conn.isOpen) {
      throw new SandboxError(410, 'this QR ref has expired');
    }
    const conn = entry.conn;
    const identityKey = Buffer.from(identityB64, 'base64');
    const registered = conn.registration?.devicePairingData?.eIdent;
    if (
      !conn.noiseKey?.equals(Buffer.from(noiseB64, 'base64')) ||
      !registered ||
      !identityKey.equals(Buffer.from(registered))
    ) {
      throw new SandboxError(400, 'the QR keys do not match the companion waiting on this ref');
    }
    const advSecret = Buffer.from(advB64, 'base64');
    if (advSecret.length !== 32) {
      throw new SandboxError(400, 'the QR ADV secret must be 32 bytes');
    }
    this.spendRefs(conn);
    const device = await this.completeLink(phone, conn, advSecret, identityKey);
    return { jid: device.jid, lid: device.lid };
  }

  /**
   * The user types the companion's pairing code on the phone: the phone answers the
   * companion's `companion_hello` with `primary_hello`, checks the companion's key bundle, then
   * links it as for a QR code.
   * @throws SandboxError 400 malformed or wrong code, 404 unknown phone or no companion waiting
   *   for a code for this number, 409 when the companion does not complete the pairing.
   */
  async pairWithCode(number: string, code: unknown): Promise<{ jid: string; lid: string }> {
    const phone = this.requirePhone(number);
    const normalized = typeof code === 'string' ? normalizePairingCode(code) : undefined;
    if (!normalized) {
      throw new SandboxError(400, 'code must be the 8-character pairing code the companion shows');
    }
    const request = [...this.linkCodeRequests.values()]
      .filter((r) => r.number === number && r.state === 'waiting' && r.conn.isOpen)
      .sort((x, y) => y.createdAt - x.createdAt)[0];
    if (!request) {
      throw new SandboxError(404, `no companion is waiting for a pairing code for ${number}`);
    }
    if (request.busy) {
      throw new SandboxError(409, 'a pairing code is already being checked for this companion');
    }
    request.busy = true;
    try {
      return await this.exchangeLinkCode(phone, request, normalized);
    } finally {
      request.busy = false;
    }
  }

  /** primary_hello → companion_finish → pair-success for one pairing-code request. */
  private async exchangeLinkCode(
    phone: Phone,
    request: LinkCodeRequest,
    normalized: string,
  ): Promise<{ jid: string; lid: string }> {
    const { b } = this;
    const conn = request.conn;
    const companionEphemeral = await unwrapEphemeralKey(
      b,
      normalized,
      request.wrappedCompanionEphemeral,
    );
    const primaryEphemeral = b.Curve.generateKeyPair();
    const wrappedPrimary = await wrapEphemeralKey(
      b,
      normalized,
      primaryEphemeral.public,
      randomBytes,
    );
    const ephemeralShared = b.Curve.sharedKey(primaryEphemeral.private, companionEphemeral);
    const finished = conn.waitFor((node) => {
      const reg =
        node.tag === 'iq' ? b.getBinaryNodeChild(node, 'link_code_companion_reg') : undefined;
      const ref = reg && b.getBinaryNodeChildBuffer(reg, 'link_code_pairing_ref');
      return (
        reg?.attrs.stage === 'companion_finish' &&
        ref !== undefined &&
        Buffer.from(ref).toString() === request.ref
      );
    }, this.config.companionReplyTimeoutMs);
    conn.send({
      tag: 'notification',
      attrs: {
        from: SERVER_JID,
        type: 'link_code_companion_reg',
        id: conn.nextStanzaId(),
        t: nowSeconds(),
      },
      content: [
        {
          tag: 'link_code_companion_reg',
          attrs: { stage: 'primary_hello' },
          content: [
            { tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(request.ref) },
            { tag: 'primary_identity_pub', attrs: {}, content: phone.identity.public },
            {
              tag: 'link_code_pairing_wrapped_primary_ephemeral_pub',
              attrs: {},
              content: wrappedPrimary,
            },
          ],
        },
      ],
    });
    let finish: BinaryNode;
    try {
      finish = await finished;
    } catch (err) {
      throw new SandboxError(409, `the companion did not answer: ${errorMessage(err)}`);
    }
    const reg = b.getBinaryNodeChild(finish, 'link_code_companion_reg');
    const wrappedBundle = b.getBinaryNodeChildBuffer(reg, 'link_code_pairing_wrapped_key_bundle');
    const announcedIdentity = b.getBinaryNodeChildBuffer(reg, 'companion_identity_public');
    if (!wrappedBundle || !announcedIdentity) {
      throw new SandboxError(409, 'companion_finish is missing its key bundle');
    }
    let bundle: ReturnType<typeof openKeyBundle>;
    try {
      bundle = openKeyBundle(b, ephemeralShared, Buffer.from(wrappedBundle));
    } catch {
      throw new SandboxError(400, 'the pairing code does not match the one the companion shows');
    }
    const registered = conn.registration?.devicePairingData?.eIdent;
    if (
      !bundle.primaryIdentityKey.equals(phone.identity.public) ||
      !bundle.companionIdentityKey.equals(Buffer.from(announcedIdentity)) ||
      !registered ||
      !bundle.companionIdentityKey.equals(Buffer.from(registered))
    ) {
      throw new SandboxError(409, 'the companion key bundle does not match its registration');
    }
    const identityShared = b.Curve.sharedKey(phone.identity.private, bundle.companionIdentityKey);
    const advSecret = deriveAdvSecret(b, ephemeralShared, identityShared, bundle.random);
    request.state = 'used';
    this.spendRefs(conn);
    const device = await this.completeLink(phone, conn, advSecret, bundle.companionIdentityKey);
    return { jid: device.jid, lid: device.lid };
  }

  /**
   * The phone removes linked companions (all, or the one with `deviceId`). A connected
   * companion gets `<stream:error code="401"><conflict type="device_removed"/>` (Baileys:
   * `DisconnectReason.loggedOut`); later logins with its credentials get `<failure reason="401">`.
   * @returns the removed device ids.
   * @throws SandboxError 404 unknown phone or device, 400 bad device id.
   */
  unlink(number: string, deviceId?: unknown): { removed: number[] } {
    const phone = this.requirePhone(number);
    let targets: CompanionDevice[];
    if (deviceId === undefined) {
      targets = [...phone.devices.values()];
    } else {
      if (typeof deviceId !== 'number' || !Number.isInteger(deviceId) || deviceId < 1) {
        throw new SandboxError(400, 'device must be a companion device id (1 or more)');
      }
      const device = phone.devices.get(deviceId);
      if (!device) {
        throw new SandboxError(404, `phone ${number} has no companion device ${deviceId}`);
      }
      targets = [device];
    }
    for (const device of targets) {
      this.removeDevice(phone, device, 'device_removed');
    }
    return { removed: targets.map((device) => device.id) };
  }

  /**
   * The phone `number` calls `to` (a number or PN JID of another sandbox phone): every connected
   * companion of the callee gets a `<call><offer>`; the call ends as `rejected`/`accepted` when
   * a companion answers, or `timeout` after `callTimeoutMs`.
   * @throws SandboxError 400 bad `to`, 404 unknown caller or callee.
   */
  call(number: string, to: unknown): CallView {
    const caller = this.requirePhone(number);
    const calleeNumber = typeof to === 'string' ? numberFromJidOrNumber(to) : undefined;
    if (!calleeNumber) {
      throw new SandboxError(400, 'to must be a phone number or a @s.whatsapp.net JID');
    }
    const callee = this.phones.get(calleeNumber);
    if (!callee) {
      throw new SandboxError(404, `no phone with number ${calleeNumber}`);
    }
    const record: CallRecord = {
      id: randomBytes(16).toString('hex').toUpperCase(),
      to: callee.jid,
      status: 'ringing',
      at: new Date(),
    };
    caller.calls.push(record);
    const call: ActiveCall = {
      record,
      caller,
      callee,
      timer: setTimeout(() => this.endCall(call, 'timeout'), this.config.callTimeoutMs),
    };
    this.activeCalls.set(record.id, call);
    for (const conn of this.companionConnections(callee)) {
      conn.send(this.callStanza(conn, caller, this.offerNode(record.id, caller)));
    }
    this.logger.info({ from: caller.jid, to: callee.jid, callId: record.id }, 'call offered');
    return toCallView(record);
  }

  /** Calls placed by the phone, oldest first. @throws SandboxError 404 unknown phone. */
  listCalls(number: string): CallView[] {
    return this.requirePhone(number).calls.map(toCallView);
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

  // ---- messaging (the phone's primary is a real Baileys client) ----

  private async readyClient(number: string): Promise<PhoneClient> {
    this.requirePhone(number);
    const client = this.clients.get(number) as PhoneClient;
    try {
      await client.whenOpen(this.config.primaryReadyTimeoutMs);
    } catch (err) {
      throw new SandboxError(409, errorMessage(err));
    }
    return client;
  }

  /**
   * The phone sends a message from its primary (real Signal encryption, routed like any
   * client's). `body` is `{ to, text, replyTo? }`, `{ to, location }`, `{ to, contacts }`,
   * `{ to, reaction }`, `{ to, poll }`, `{ to, pollVote }`, `{ to, edit }` or `{ to, revoke }` (see
   * {@link buildOutgoing}); `to` is a number or a PN, LID or group JID.
   * @returns the new message's id.
   * @throws SandboxError 400 bad body, 404 unknown phone or referenced message, 409 when the
   *   phone's primary is not connected.
   */
  async sendFromPhone(
    number: string,
    body: Record<string, unknown>,
  ): Promise<{ messageId: string }> {
    const client = await this.readyClient(number);
    const outgoing = buildOutgoing(body, {
      b: this.b,
      ownJid: pnJid(number),
      find: (id) => client.findMessage(id),
    });
    let sent: WAMessage;
    try {
      sent =
        'raw' in outgoing
          ? await client.sendRaw(outgoing.jid, outgoing.raw)
          : await client.send(outgoing.jid, outgoing.content, outgoing.options);
    } catch (err) {
      throw new SandboxError(409, `the phone could not send: ${errorMessage(err)}`);
    }
    return { messageId: sent.key.id ?? '' };
  }

  /**
   * What the phone's primary received (decrypted, oldest first) and the receipts the server
   * routed to the phone for messages it sent, optionally only for one chat (a number or JID).
   * @throws SandboxError 404 unknown phone.
   */
  phoneMessages(number: string, chat?: unknown): PhoneMessagesView {
    const phone = this.requirePhone(number);
    const client = this.clients.get(number) as PhoneClient;
    const wanted = typeof chat === 'string' && chat ? this.chatKeys(chat) : undefined;
    const matches = (...jids: (string | undefined)[]): boolean =>
      !wanted || jids.some((jid) => jid !== undefined && wanted.has(jid));
    return {
      messages: client.receivedMessages().filter((m) => matches(m.chat, m.chatAlt)),
      receipts: phone.receipts
        .filter((r) => matches(r.chat))
        .map((r) => ({ ...r, at: r.at.toISOString() })),
    };
  }

  /**
   * `GET /phones/:number/messages/:id/media`: the decrypted bytes of a media message the phone
   * received, as WhatsApp's clients download them (the encrypted file from the media host,
   * decrypted with the message's media key).
   * @throws SandboxError 404 unknown phone, message, or media not on the media host.
   */
  async phoneMedia(
    number: string,
    messageId: string,
  ): Promise<{ mimetype: string | null; size: number; base64: string }> {
    this.requirePhone(number);
    const client = this.clients.get(number) as PhoneClient;
    const message = client.findMessage(messageId);
    const content = message ? this.b.normalizeMessageContent(message.message) : undefined;
    const kinds = ['image', 'video', 'audio', 'document', 'sticker'] as const;
    const kind = kinds.find((k) => content?.[`${k}Message`]);
    const part = kind ? content?.[`${kind}Message`] : undefined;
    if (!kind || !part?.mediaKey || !part.directPath) {
      throw new SandboxError(404, `no media message ${messageId} on ${number}`);
    }
    const encrypted = this.media.encrypted(part.directPath);
    if (!encrypted) {
      throw new SandboxError(404, `media of ${messageId} is not on the media host`);
    }
    const keys = await this.b.getMediaKeys(part.mediaKey, kind);
    const plain = this.b.aesDecryptWithIV(encrypted.subarray(0, -10), keys.cipherKey, keys.iv);
    return { mimetype: part.mimetype ?? null, size: plain.length, base64: plain.toString('base64') };
  }

  /** The JIDs a chat filter matches: a number or PN JID also matches the phone's LID. */
  private chatKeys(chat: string): Set<string> {
    const keys = new Set<string>([chat]);
    const number = numberFromJidOrNumber(chat);
    const phone = number ? this.phones.get(number) : undefined;
    if (number) {
      keys.add(pnJid(number));
    }
    if (phone) {
      keys.add(lidJid(phone.lid));
    }
    return keys;
  }

  /**
   * The phone marks messages it received in `chat` as read (`read`) or played (`played`):
   * its primary sends the receipts, which the server routes to the senders' devices.
   * @throws SandboxError 400 bad input, 404 unknown phone or message, 409 primary offline.
   */
  async receiptsFromPhone(
    number: string,
    chat: unknown,
    messageIds: unknown,
    type: 'read' | 'played',
  ): Promise<{ messageIds: string[] }> {
    if (
      !Array.isArray(messageIds) ||
      !messageIds.length ||
      messageIds.some((id) => typeof id !== 'string' || !id)
    ) {
      throw new SandboxError(400, 'messageIds must be a non-empty array of message ids');
    }
    if (typeof chat !== 'string' || !chat) {
      throw new SandboxError(400, 'chat must be a phone number or a JID');
    }
    const client = await this.readyClient(number);
    const chatJid = resolveRecipient(chat);
    const keys = (messageIds as string[]).map((id) => {
      const found = client.findMessage(id);
      if (!found) {
        throw new SandboxError(404, `the phone has no message ${id}`);
      }
      return found.key;
    });
    const chatJids = this.chatKeys(chatJid);
    if (
      keys.some(
        (key) => !chatJids.has(key.remoteJid ?? '') && !chatJids.has(key.remoteJidAlt ?? ''),
      )
    ) {
      throw new SandboxError(400, 'every message must belong to chat');
    }
    try {
      await client.sendReceipts(keys, type);
    } catch (err) {
      throw new SandboxError(409, `the phone could not send receipts: ${errorMessage(err)}`);
    }
    return { messageIds: messageIds as string[] };
  }

  /**
   * Creates a group owned by the phone `owner` with other phones as participants (numbers or
   * PN JIDs). Every member device gets a `w:gp2` create notification.
   * @throws SandboxError 400 bad subject or participants, 404 unknown phone.
   */
  createGroup(owner: unknown, subject: unknown, participants: unknown): GroupView {
    const ownerNumber = typeof owner === 'string' ? numberFromJidOrNumber(owner) : undefined;
    if (!ownerNumber) {
      throw new SandboxError(400, 'owner must be a phone number or a @s.whatsapp.net JID');
    }
    const phone = this.requirePhone(ownerNumber);
    return this.router.groupView(this.router.createGroup(phone, subject, participants));
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

  // ---- ChatConnectionHandler ----

  /** Registration stream: issues `qrRefCount` QR refs in one `<pair-device>` iq. */
  onRegistration(conn: ChatConnection): void {
    this.pruneRefs();
    const issuedAt = Date.now();
    const refs: string[] = [];
    for (let i = 0; i < this.config.qrRefCount; i++) {
      const ref = `2@${randomBytes(33).toString('base64')}`;
      refs.push(ref);
      conn.refs.push(ref);
      this.refs.set(ref, {
        ref,
        conn,
        state: 'waiting',
        expiresAt: issuedAt + this.config.firstQrRefTtlMs + i * this.config.nextQrRefTtlMs,
      });
    }
    this.logger.debug({ conn: conn.id, refs: refs.length }, 'registration: pair-device sent');
    conn.send({
      tag: 'iq',
      attrs: { from: SERVER_JID, type: 'set', id: conn.nextStanzaId(), xmlns: 'md' },
      content: [
        {
          tag: 'pair-device',
          attrs: {},
          content: refs.map((ref) => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref) })),
        },
      ],
    });
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
  }

  /**
   * Answers every get/set iq, acks call answers, routes `<message>` and `<receipt>` stanzas;
   * acks, presence and telemetry need no reply.
   */
  onNode(conn: ChatConnection, node: BinaryNode): void {
    switch (node.tag) {
      case 'message':
        this.router.onMessage(conn, node);
        return;
      case 'receipt':
        this.router.onReceipt(conn, node);
        return;
      case 'iq':
        if (node.attrs.type === 'get' || node.attrs.type === 'set') {
          conn.send(this.answerIq(conn, node));
        }
        return;
      case 'call':
        this.onCallStanza(conn, node);
        return;
      default:
        // acks, receipts, presence and ib telemetry need no answer from the server
        return;
    }
  }

  /** Forgets the connection and its pending pairing-code requests. */
  onClose(conn: ChatConnection): void {
    this.connections.delete(conn);
    for (const request of this.linkCodeRequests.values()) {
      if (request.conn === conn) {
        this.linkCodeRequests.delete(request.ref);
      }
    }
    this.logger.debug({ conn: conn.id, jid: conn.login?.device.jid }, 'client disconnected');
  }

  // ---- internals ----

  private requirePhone(number: string): Phone {
    const phone = this.phones.get(number);
    if (!phone) {
      throw new SandboxError(404, `no phone with number ${number}`);
    }
    return phone;
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

  private companionConnections(phone: Phone): ChatConnection[] {
    return [...this.connections].filter(
      (conn) => conn.isOpen && conn.login?.phone === phone && conn.login.device.id !== 0,
    );
  }

  private spendRefs(conn: ChatConnection): void {
    for (const ref of conn.refs) {
      const entry = this.refs.get(ref);
      if (entry) {
        entry.state = 'used';
      }
    }
  }

  private pruneRefs(): void {
    const cutoff = Date.now() - REF_MEMORY_MS;
    for (const [ref, entry] of this.refs) {
      if (entry.expiresAt < cutoff) {
        this.refs.delete(ref);
      }
    }
  }

  /** Sends pair-success, checks pair-device-sign, stores the device and restarts the stream. */
  private async completeLink(
    phone: Phone,
    conn: ChatConnection,
    advSecret: Buffer,
    identityKey: Buffer,
  ): Promise<CompanionDevice> {
    const { b } = this;
    const pairing = conn.registration?.devicePairingData;
    if (!pairing?.eRegid || !pairing.eSkeyId || !pairing.eSkeyVal || !pairing.eSkeySig) {
      throw new SandboxError(409, 'the companion did not register its keys');
    }
    const deviceId = phone.nextDeviceId++;
    const keyIndex = phone.nextKeyIndex++;
    const jid = pnJid(phone.number, deviceId);
    const lid = lidJid(phone.lid, deviceId);
    const issued = issueDeviceIdentity(b, phone, keyIndex, identityKey, advSecret);
    const stanzaId = conn.nextStanzaId();
    const replied = conn.waitFor(
      (node) => node.tag === 'iq' && node.attrs.id === stanzaId,
      this.config.companionReplyTimeoutMs,
    );
    conn.send(pairSuccessNode(stanzaId, issued, jid, lid, PRIMARY_PLATFORM));
    let reply: BinaryNode;
    try {
      reply = await replied;
    } catch (err) {
      throw new SandboxError(
        409,
        `the companion did not confirm the pairing: ${errorMessage(err)}`,
      );
    }
    const signedIdentity = verifyPairDeviceSign(b, reply, phone, issued, identityKey);
    if (reply.attrs.type !== 'result' || !signedIdentity) {
      conn.close();
      throw new SandboxError(409, 'the companion refused or mis-signed the device identity');
    }
    const props = pairing.deviceProps ? b.proto.DeviceProps.decode(pairing.deviceProps) : undefined;
    const platformType = props?.platformType ?? b.proto.DeviceProps.PlatformType.CHROME;
    const device: CompanionDevice = {
      id: deviceId,
      jid,
      lid,
      platform: (b.proto.DeviceProps.PlatformType[platformType] ?? 'UNKNOWN').toLowerCase(),
      os: props?.os ?? '',
      noiseKey: Buffer.from(conn.noiseKey ?? Buffer.alloc(0)),
      keys: {
        registrationId: Buffer.from(pairing.eRegid).readUInt32BE(0),
        identityKey: Buffer.from(identityKey),
        signedPreKey: {
          keyId: Buffer.from(pairing.eSkeyId).readUIntBE(0, pairing.eSkeyId.length),
          publicKey: Buffer.from(pairing.eSkeyVal),
          signature: Buffer.from(pairing.eSkeySig),
        },
        preKeys: new Map(),
      },
      keyIndex,
      signedDeviceIdentity: signedIdentity,
      linkedAt: new Date(),
    };
    phone.devices.set(deviceId, device);
    this.logger.info({ jid, platform: device.platform }, 'companion linked');
    conn.send({ tag: 'stream:error', attrs: { code: '515' } });
    conn.close();
    return device;
  }

  private removeDevice(phone: Phone, device: CompanionDevice, reason: string): void {
    phone.devices.delete(device.id);
    this.router.forgetDevice(phone, device.id);
    const conn = this.connectionOf(phone, device.id);
    if (conn) {
      conn.send({
        tag: 'stream:error',
        attrs: { code: '401' },
        content: [{ tag: 'conflict', attrs: { type: reason } }],
      });
      conn.close();
    }
    this.logger.info({ jid: device.jid, reason }, 'companion removed');
  }

  private answerIq(conn: ChatConnection, iq: BinaryNode): BinaryNode {
    const first = childNodes(iq)[0];
    if (iq.attrs.xmlns === 'md' && first?.tag === 'link_code_companion_reg') {
      return this.onLinkCodeIq(conn, iq, first);
    }
    const login = conn.login;
    if (!login) {
      return iqResult(iq);
    }
    if (iq.attrs.xmlns === 'md' && first?.tag === 'remove-companion-device') {
      // the companion logs itself out
      const companion = login.phone.devices.get(login.device.id);
      if (companion) {
        this.removeDevice(login.phone, companion, 'device_removed');
      }
      return iqResult(iq);
    }
    if (iq.attrs.xmlns === 'w:g2') {
      return this.router.answerGroupIq(login.phone, iq);
    }
    if (iq.attrs.xmlns === 'w:m' && first?.tag === 'media_conn') {
      return iqResult(iq, [
        {
          tag: 'media_conn',
          attrs: { auth: this.media.auth, ttl: '3600', auth_ttl: '3600', max_buckets: '12' },
          content: this.media.hostname
            ? [
                {
                  tag: 'host',
                  attrs: {
                    hostname: this.media.hostname,
                    maxContentLengthBytes: String(64 * 1024 * 1024),
                  },
                },
              ]
            : [],
        },
      ]);
    }
    return (
      answerCompanionIq(
        this.b,
        { phone: login.phone, device: login.device, directory: this },
        iq,
      ) ?? iqResult(iq)
    );
  }

  private onLinkCodeIq(conn: ChatConnection, iq: BinaryNode, reg: BinaryNode): BinaryNode {
    if (!conn.registration) {
      return iqError(iq, 400, 'bad-request');
    }
    if (reg.attrs.stage === 'companion_finish') {
      // pairWithCode() consumes this stanza through conn.waitFor
      return iqResult(iq);
    }
    if (reg.attrs.stage !== 'companion_hello') {
      return iqError(iq, 400, 'bad-request');
    }
    const number = numberFromJidOrNumber(reg.attrs.jid ?? '');
    const wrapped = this.b.getBinaryNodeChildBuffer(
      reg,
      'link_code_pairing_wrapped_companion_ephemeral_pub',
    );
    if (!number || !wrapped || wrapped.length < 80) {
      return iqError(iq, 400, 'bad-request');
    }
    const ref = randomBytes(16).toString('base64url');
    this.linkCodeRequests.set(ref, {
      ref,
      conn,
      number,
      wrappedCompanionEphemeral: Buffer.from(wrapped),
      createdAt: Date.now(),
      state: 'waiting',
      busy: false,
    });
    this.logger.debug({ conn: conn.id, number }, 'pairing code requested');
    return iqResult(iq, [
      {
        tag: 'link_code_companion_reg',
        attrs: {},
        content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(ref) }],
      },
    ]);
  }

  private offerNode(callId: string, caller: Phone): BinaryNode {
    return {
      tag: 'offer',
      attrs: { 'call-id': callId, 'call-creator': caller.jid, caller_pn: caller.jid },
      content: [
        { tag: 'audio', attrs: { enc: 'opus', rate: '16000' } },
        { tag: 'audio', attrs: { enc: 'opus', rate: '8000' } },
        { tag: 'net', attrs: { medium: '3' } },
        {
          tag: 'capability',
          attrs: { ver: '1' },
          content: Buffer.from([0x01, 0x05, 0xf7, 0x09, 0xe4, 0xbb, 0x07]),
        },
        { tag: 'encopt', attrs: { keygen: '2' } },
      ],
    };
  }

  private callStanza(conn: ChatConnection, caller: Phone, child: BinaryNode): BinaryNode {
    return {
      tag: 'call',
      attrs: {
        from: caller.jid,
        id: conn.nextStanzaId(),
        t: nowSeconds(),
        notify: caller.name,
        platform: PRIMARY_PLATFORM,
        version: '2',
      },
      content: [child],
    };
  }

  private endCall(call: ActiveCall, status: 'rejected' | 'accepted' | 'timeout'): void {
    if (call.record.status !== 'ringing') {
      return;
    }
    clearTimeout(call.timer);
    call.record.status = status;
    call.record.endedAt = new Date();
    this.activeCalls.delete(call.record.id);
    if (status === 'timeout') {
      for (const conn of this.companionConnections(call.callee)) {
        conn.send(
          this.callStanza(conn, call.caller, {
            tag: 'terminate',
            attrs: {
              'call-id': call.record.id,
              'call-creator': call.caller.jid,
              reason: 'timeout',
            },
          }),
        );
      }
    }
    this.logger.info({ callId: call.record.id, status }, 'call ended');
  }

  /** A companion answers a call (`<call><reject/></call>` etc.); the server acks it. */
  private onCallStanza(conn: ChatConnection, node: BinaryNode): void {
    const [child] = childNodes(node);
    const callId = child?.attrs['call-id'];
    const call = callId ? this.activeCalls.get(callId) : undefined;
    if (call && conn.login?.phone === call.callee) {
      if (child.tag === 'reject') {
        this.endCall(call, 'rejected');
      } else if (child.tag === 'accept') {
        this.endCall(call, 'accepted');
      }
    }
    const attrs: Record<string, string> = { id: node.attrs.id, class: 'call' };
    if (node.attrs.to) {
      attrs.from = node.attrs.to;
    }
    if (child) {
      attrs.type = child.tag;
    }
    conn.send({ tag: 'ack', attrs });
  }
}

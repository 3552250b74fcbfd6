import type { Agent as HttpAgent } from 'node:http';
import { type Agent as HttpsAgent,Agent as HttpsAgentClass } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';

import type {
  AnyMessageContent,
  AuthenticationCreds,
  AuthenticationState,
  ConnectionState,
  UserFacingSocketConfig,
  WACallEvent,
  WACallUpdateType,
  WAMessage,
  WASocket,
} from 'baileys';
import type { Level, Logger } from 'pino';
import {
  Agent as UndiciAgent,
  buildConnector,
  type Dispatcher,
  ProxyAgent,
  Socks5ProxyAgent,
} from 'undici';

import type { AuthStateStore } from '../auth-state-store';
import {
  MediaUnavailableError,
  PairingCodeUnavailableError,
  SessionNotConnectedError,
} from '../errors';
import { normalizePhoneNumber } from '../jid';
import type {
  NumberLookup,
  OutgoingContent,
  OutgoingEvent,
  OutgoingMedia,
  ReceiptEvent,
  SendOptions,
} from '../messages';
import { WhatsAppSession } from '../session';
import type {
  CallEvent,
  CallStatus,
  ConnectionEvent,
  OwnPresence,
  ProfileEvent,
  SentMessage,
  SessionMe,
  SessionState,
  WhatsAppSessionEvents,
} from '../types';
import { loadStoreBackedAuth, type StoreBackedAuth } from './auth-state';
import { classifyClose } from './close-reason';
import { EVENT_CREATION_NODE, eventMessageExtras, toEngineEvent } from './event-message';
import { isRelayedContent, nativeFlowBizNode, toInteractiveMessage } from './interactive';
import { type BaileysModule, loadBaileys } from './loader';
import { receiptStatusOf, timestampToDate, toInboundMessage } from './message-mapper';
import { reviveMessage } from './poll-votes';
import { isSandboxRootTrusted, trustSandboxRoot } from './sandbox-trust';

/** Options of {@link createBaileysSession}. Durations are milliseconds. */
export interface BaileysSessionOptions {
  /** Where creds and Signal keys live (the app: its database, encrypted per D11). */
  store: AuthStateStore;
  /** The instance's child logger (`{ instance }`); Baileys gets a child of it. */
  logger: Logger;
  /** Minimum level of Baileys' own log lines (it is chatty). Default `warn`. */
  engineLogLevel?: Level;
  /** WhatsApp Web version `[major, minor, build]` to announce. Configuration: never fetched. */
  waVersion: [number, number, number];
  /** Browser description `[name, browser, version]` shown in the phone's linked devices. */
  browser: [string, string, string];
  /** Proxy agent for the WebSocket (Baileys `agent`) and media fetches (`fetchAgent`). */
  proxyAgent?: HttpAgent;
  /** Mark the account online as soon as it connects (phone notifications stop). Default false. */
  markOnlineOnConnect?: boolean;
  /** Ask the phone for the full history on linking. Default false. */
  syncFullHistory?: boolean;
  /**
   * Skip history sync entirely (`shouldSyncHistoryMessage: () => false`). Default: true in
   * sandbox mode (which sends no history, so Baileys would hold events ~20 s waiting for it),
   * false otherwise.
   */
  disableHistorySync?: boolean;
  /** Give up connecting after this long. Default 20 000. */
  connectTimeoutMs?: number;
  /** Lifetime of the first QR (later ones live 20 s, WhatsApp's rotation). Default: Baileys' 60 000. */
  qrTimeoutMs?: number;
  /**
   * Sandbox mode: connect to the sandbox at `wsUrl` and trust its 32-byte `rootPublicKey`
   * (process-wide, see `trustSandboxRoot`). Only when `WA_SANDBOX_URL` is configured.
   * `mediaCa` (PEM) is the certificate of the sandbox's HTTPS media host: uploads and downloads
   * of this session trust it (and only it) instead of the public CAs.
   */
  sandbox?: { wsUrl: string; rootPublicKey: Uint8Array; mediaCa?: string };
  /**
   * The instance's proxy as a URL (`http(s)://`, `socks5://` or `socks5h://`, credentials
   * included) for media downloads: Baileys downloads with `fetch`, which takes an undici
   * dispatcher rather than `proxyAgent`. Without it downloads go direct.
   */
  mediaProxyUrl?: string;
  /**
   * Resolves the proxy's host name whenever a media download opens a socket to the proxy (the
   * caller's address policy, e.g. Wharf's D12 check). `proxyAgent` carries its own. Default:
   * the system resolver.
   */
  proxyLookup?: LookupFunction;
}

/** One Baileys socket and what the session expects of it. */
interface SocketRun {
  readonly sock: WASocket;
  /** `run` until the caller asks the socket to end for a reason. */
  intent: 'run' | 'stop' | 'logout';
  /** Set by the first QR: the registration stream is up (pairing codes can be asked for). */
  registrationUp: boolean;
  pairingCodeRequested: boolean;
  readonly registrationWaiters: Set<{ resolve: () => void; reject: (err: Error) => void }>;
  /** Resolves when the close of this socket has been handled (event emitted, writes done). */
  readonly closed: Promise<void>;
  readonly markClosed: () => void;
}

const CALL_STATUS: Partial<Record<WACallUpdateType, CallStatus>> = {
  offer: 'offer',
  ringing: 'ringing',
  accept: 'accepted',
  reject: 'rejected',
  terminate: 'terminated',
  timeout: 'timeout',
};

const BUSINESS_PLATFORMS = new Set(['smba', 'smbi']);

/**
 * The Baileys adapter of {@link WhatsAppSession}. Maps socket closes per `classifyClose`
 * (515 → reconnects itself at once with the saved creds; 401 → `loggedout` and the store is
 * cleared; 403/402 → `banned`; 440 → `disconnected` with cause `replaced`; everything else →
 * `disconnected/connection_lost` with the status code, for the caller's backoff, D10).
 */
export class BaileysSession extends WhatsAppSession {
  private currentState: SessionState = 'disconnected';
  private current: SocketRun | null = null;
  /** The loaded engine module (set by the first start). */
  private baileys: BaileysModule | null = null;
  private auth: StoreBackedAuth | null = null;
  private starting: Promise<void> | null = null;
  private closing: Promise<void> = Promise.resolve();
  private newLogin = false;
  private lastProfile: string | null = null;
  private readonly log: Logger;
  private readonly engineLog: Logger;
  /** undici dispatcher of media downloads (sandbox CA, proxy), made on first use. */
  private downloadDispatcher: Dispatcher | undefined;

  constructor(private readonly options: BaileysSessionOptions) {
    super();
    this.log = options.logger;
    const engineLevel = options.engineLogLevel ?? 'warn';
    const parentLevel = options.logger.levels.values[options.logger.level] ?? 0;
    const wanted = options.logger.levels.values[engineLevel] ?? 0;
    this.engineLog =
      wanted > parentLevel
        ? options.logger.child({ engine: 'baileys' }, { level: engineLevel })
        : options.logger.child({ engine: 'baileys' });
  }

  get state(): SessionState {
    return this.currentState;
  }

  get me(): SessionMe | null {
    const creds = this.auth?.state.creds;
    if (!creds?.account || !creds.me?.id) {
      return null;
    }
    return { jid: creds.me.id, lid: creds.me.lid ?? null, name: creds.me.name ?? null };
  }

  async start(): Promise<void> {
    if (this.current) {
      return;
    }
    this.starting ??= this.open().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    await this.settleStart();
    const run = this.current;
    if (!run) {
      await this.closing;
      return;
    }
    run.intent = 'stop';
    await run.sock.end(undefined);
    await run.closed;
  }

  async logout(): Promise<void> {
    await this.settleStart();
    const run = this.current;
    if (run) {
      const connected = this.currentState === 'connected';
      run.intent = 'logout';
      if (connected) {
        try {
          await run.sock.logout();
        } catch (err) {
          this.log.warn({ err }, 'could not tell WhatsApp about the logout; clearing locally');
          await run.sock.end(undefined);
        }
      } else {
        await run.sock.end(undefined);
      }
      await run.closed;
      return;
    }
    await this.closing;
    await this.clearCredentials();
    this.emitConnection({ state: 'loggedout', reason: 'logged_out' });
  }

  override async requestPairingCode(phoneNumber: string): Promise<string> {
    const digits = normalizePhoneNumber(phoneNumber);
    await this.settleStart();
    const run = this.current;
    if (!run) {
      throw new PairingCodeUnavailableError('The session is not started');
    }
    if (this.auth?.state.creds.account) {
      throw new PairingCodeUnavailableError('The session is already linked to a phone');
    }
    if (!run.registrationUp) {
      await this.waitForRegistration(run);
    }
    run.pairingCodeRequested = true;
    const pairingCode = await run.sock.requestPairingCode(digits);
    this.emitConnection({ state: 'connecting', reason: 'pairing_code', pairingCode });
    return pairingCode;
  }

  override async rejectCall(callId: string, callerJid: string): Promise<void> {
    await this.connectedSocket().rejectCall(callId, callerJid);
  }

  override async sendPresence(presence: OwnPresence): Promise<void> {
    await this.connectedSocket().sendPresenceUpdate(presence);
  }

  override async sendChatPresence(
    chatJid: string,
    presence: 'composing' | 'recording' | 'paused',
  ): Promise<void> {
    const sock = this.connectedSocket();
    // WhatsApp shows chat states only from an available client.
    if (presence !== 'paused') await sock.sendPresenceUpdate('available');
    await sock.sendPresenceUpdate(presence, chatJid);
  }

  override async sendText(toJid: string, text: string): Promise<SentMessage> {
    const sent = await this.connectedSocket().sendMessage(toJid, { text });
    const id = sent?.key.id;
    if (!id) {
      throw new Error('WhatsApp engine returned no message id');
    }
    return { id, timestamp: timestampOf(sent.messageTimestamp) };
  }

  override async sendMessage(
    toJid: string,
    content: OutgoingContent,
    options: SendOptions = {},
  ): Promise<SentMessage> {
    const sock = this.connectedSocket();
    const b = await loadBaileys();
    const quoted = options.quoted
      ? (JSON.parse(JSON.stringify(options.quoted), b.BufferJSON.reviver) as WAMessage)
      : undefined;
    if (isRelayedContent(content)) {
      const message = await toInteractiveMessage(content, (media) => {
        if (!media.data) throw new Error('header media was not downloaded');
        const bytes = Buffer.from(media.data);
        const upload = { upload: sock.waUploadToServer, logger: this.engineLog, jid: toJid };
        const extra = { ...(media.mimetype ? { mimetype: media.mimetype } : {}) };
        switch (media.type) {
          case 'image':
            return b.prepareWAMessageMedia({ image: bytes, ...extra }, upload);
          case 'video':
            return b.prepareWAMessageMedia({ video: bytes, ...extra }, upload);
          case 'document':
            return b.prepareWAMessageMedia(
              {
                document: bytes,
                mimetype: media.mimetype ?? 'application/octet-stream',
                fileName: media.fileName ?? 'file',
              },
              upload,
            );
        }
      });
      return this.relayBuilt(b, sock, toJid, message, options, quoted);
    }
    if (content.kind === 'event') return this.sendEvent(b, sock, toJid, content, options, quoted);
    const sent = await sock.sendMessage(toJid, toEngineContent(content, options.mentions), {
      messageId: options.messageId,
      quoted,
      ...(content.kind === 'status'
        ? {
            statusJidList: content.statusJidList,
            backgroundColor: content.backgroundColor,
            font: content.font,
          }
        : {}),
    });
    const id = sent?.key.id;
    if (!id) {
      throw new Error('WhatsApp engine returned no message id');
    }
    const raw = JSON.parse(JSON.stringify(sent, b.BufferJSON.replacer)) as Record<string, unknown>;
    const media = toInboundMessage(sent, this.me?.jid ?? null, raw)?.media ?? undefined;
    return { id, timestamp: timestampOf(sent.messageTimestamp), raw, ...(media ? { media } : {}) };
  }

  override async readMessages(
    keys: Array<{ chatJid: string; id: string; participant?: string | null }>,
  ): Promise<void> {
    await this.connectedSocket().readMessages(
      keys.map((key) => ({
        remoteJid: key.chatJid,
        id: key.id,
        participant: key.participant ?? undefined,
        fromMe: false,
      })),
    );
  }

  override generateMessageId(): string {
    if (!this.baileys) {
      throw new SessionNotConnectedError();
    }
    return this.baileys.generateMessageIDV2(this.me?.jid);
  }

  /**
   * Downloads and decrypts a message's media with Baileys' `downloadMediaMessage` through the
   * session's download dispatcher (sandbox CA or proxy). A 404/410 from the CDN (expired URL)
   * asks the phone to upload the file again (`updateMediaMessage`) and retries once.
   * @throws SessionNotConnectedError, MediaUnavailableError
   */
  override async downloadMedia(raw: Record<string, unknown>): Promise<Readable> {
    const sock = this.connectedSocket();
    const b = await loadBaileys();
    let message = reviveMessage(b, raw);
    const content = b.extractMessageContent(message.message);
    const kind = content ? b.getContentType(content) : undefined;
    const media = kind ? (content as Record<string, unknown>)[kind] : undefined;
    if (!media || typeof media !== 'object' || !('mediaKey' in media)) {
      throw new MediaUnavailableError('The message has no media');
    }
    const options = { options: { dispatcher: this.mediaDispatcher() } as RequestInit };
    try {
      return await b.downloadMediaMessage(message, 'stream', options);
    } catch (error) {
      const status = statusCodeOf(error as Error) ?? (error as { status?: number }).status;
      if (status !== 404 && status !== 410) {
        throw new MediaUnavailableError(`Media download failed: ${(error as Error).message}`);
      }
      this.log.info({ messageId: message.key.id }, 'media expired on the CDN; asking for a re-upload');
      try {
        message = await sock.updateMediaMessage(message);
        return await b.downloadMediaMessage(message, 'stream', options);
      } catch (retryError) {
        throw new MediaUnavailableError(
          `Media download failed after re-upload: ${(retryError as Error).message}`,
        );
      }
    }
  }

  override async lookupNumbers(numbers: string[]): Promise<NumberLookup[]> {
    const sock = this.connectedSocket();
    // One query per number: WhatsApp answers with the account's own JID (for Brazilian numbers
    // possibly the other 9th-digit variant), so answers cannot be matched back by JID.
    return Promise.all(
      numbers.map(async (number): Promise<NumberLookup> => {
        const [found] = (await sock.onWhatsApp(number)) ?? [];
        return found?.exists
          ? { number, exists: true, jid: found.jid }
          : { number, exists: false, jid: null };
      }),
    );
  }

  override async groupParticipants(groupJid: string): Promise<string[]> {
    const metadata = await this.connectedSocket().groupMetadata(groupJid);
    return metadata.participants.map((participant) => participant.id);
  }

  /**
   * Sends a hand-built message (interactive/native flow) with `relayMessage`, keeping the
   * pre-generated id (D14) and the quote, with the `<biz>` node WhatsApp needs to render it.
   */
  private async relayBuilt(
    b: BaileysModule,
    sock: WASocket,
    toJid: string,
    message: Awaited<ReturnType<typeof toInteractiveMessage>>,
    options: SendOptions,
    quoted: WAMessage | undefined,
  ): Promise<SentMessage> {
    const full = b.generateWAMessageFromContent(toJid, message, {
      userJid: sock.user?.id ?? this.me?.jid ?? '',
      quoted,
      messageId: options.messageId ?? b.generateMessageIDV2(sock.user?.id),
    });
    const id = full.key.id!;
    await sock.relayMessage(toJid, full.message!, {
      messageId: id,
      additionalNodes: [nativeFlowBizNode(Math.floor(Date.now() / 1000))],
    });
    const raw = JSON.parse(JSON.stringify(full, b.BufferJSON.replacer)) as Record<string, unknown>;
    return { id, timestamp: timestampOf(full.messageTimestamp), raw };
  }

  /**
   * Sends an event message (D25): Baileys builds the `eventMessage` and its `messageSecret`, the
   * fields its builder lacks ({@link eventMessageExtras}) and the mentions are merged in, and the
   * message is relayed with the `<meta event_type="creation">` node Baileys' `sendMessage` adds.
   */
  private async sendEvent(
    b: BaileysModule,
    sock: WASocket,
    toJid: string,
    content: OutgoingEvent,
    options: SendOptions,
    quoted: WAMessage | undefined,
  ): Promise<SentMessage> {
    const full = await b.generateWAMessage(
      toJid,
      { event: toEngineEvent(content) },
      {
        userJid: sock.user?.id ?? this.me?.jid ?? '',
        quoted,
        messageId: options.messageId ?? b.generateMessageIDV2(sock.user?.id),
        upload: sock.waUploadToServer,
        logger: this.engineLog,
      },
    );
    const event = full.message!.eventMessage!;
    Object.assign(event, eventMessageExtras(content));
    if (options.mentions?.length)
      event.contextInfo = { ...event.contextInfo, mentionedJid: options.mentions };
    const id = full.key.id!;
    await sock.relayMessage(toJid, full.message!, {
      messageId: id,
      additionalNodes: [EVENT_CREATION_NODE],
    });
    const raw = JSON.parse(JSON.stringify(full, b.BufferJSON.replacer)) as Record<string, unknown>;
    return { id, timestamp: timestampOf(full.messageTimestamp), raw };
  }

  protected override listenerFailed(event: keyof WhatsAppSessionEvents, error: unknown): void {
    this.log.error({ err: error, event }, 'a session event listener threw');
  }

  private async open(): Promise<void> {
    await this.closing;
    const b = await loadBaileys();
    this.baileys = b;
    const { sandbox } = this.options;
    if (sandbox) {
      await trustSandboxRoot(sandbox.rootPublicKey);
    } else if (isSandboxRootTrusted()) {
      throw new Error(
        'this process trusts the sandbox root key; only sandbox sessions can connect (trustSandboxRoot is process-wide)',
      );
    }
    this.auth = await loadStoreBackedAuth(b, this.options.store, this.engineLog);
    this.lastProfile = null;
    this.openSocket(b, this.auth);
  }

  private openSocket(b: BaileysModule, auth: StoreBackedAuth): void {
    const sock = b.makeWASocket(this.socketConfig(auth.state));
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => {
      markClosed = resolve;
    });
    const run: SocketRun = {
      sock,
      intent: 'run',
      registrationUp: false,
      pairingCodeRequested: false,
      registrationWaiters: new Set(),
      closed,
      markClosed,
    };
    this.current = run;
    this.currentState = 'connecting';

    sock.ev.on('creds.update', (update) => {
      auth.saveCreds();
      if (this.current === run && (update.me || update.platform || update.account)) {
        this.emitProfileIfChanged();
      }
    });
    sock.ev.on('connection.update', (update) => {
      this.onConnectionUpdate(b, run, update).catch((err: unknown) => {
        this.log.error({ err }, 'failed to handle a connection update');
      });
    });
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      if (this.current !== run || (type !== 'notify' && type !== 'append')) {
        return;
      }
      for (const message of messages) {
        const raw = JSON.parse(JSON.stringify(message, b.BufferJSON.replacer)) as Record<
          string,
          unknown
        >;
        const event = toInboundMessage(message, this.me?.jid ?? null, raw);
        if (event) {
          this.emit('message', event);
        }
        // Baileys' event buffer folds a receipt that arrives while our own message's upsert is
        // still buffered into that message's `status` and emits no `messages.update` for it.
        const folded = message.key.fromMe ? receiptStatusOf(message.status) : null;
        if (
          message.key.id &&
          message.key.remoteJid &&
          (folded === 'delivered' || folded === 'read' || folded === 'played')
        ) {
          this.emit('receipt', {
            messageIds: [message.key.id],
            chatJid: message.key.remoteJid,
            participant: message.key.participant || null,
            status: folded,
            timestamp: new Date(),
          });
        }
      }
    });
    sock.ev.on('messages.update', (updates) => {
      if (this.current !== run) {
        return;
      }
      for (const { key, update } of updates) {
        const status = receiptStatusOf(update.status);
        if (!key.id || !key.remoteJid || !status || !key.fromMe) {
          continue;
        }
        this.emit('receipt', {
          messageIds: [key.id],
          chatJid: key.remoteJid,
          participant: key.participant ?? null,
          status,
          timestamp: new Date(),
        });
      }
    });
    sock.ev.on('message-receipt.update', (receipts) => {
      if (this.current !== run) {
        return;
      }
      for (const { key, receipt } of receipts) {
        if (!key.id || !key.remoteJid) {
          continue;
        }
        const status: ReceiptEvent['status'] = receipt.playedTimestamp
          ? 'played'
          : receipt.readTimestamp
            ? 'read'
            : 'delivered';
        this.emit('receipt', {
          messageIds: [key.id],
          chatJid: key.remoteJid,
          participant: receipt.userJid ?? null,
          status,
          timestamp: timestampToDate(
            receipt.playedTimestamp ?? receipt.readTimestamp ?? receipt.receiptTimestamp,
          ),
        });
      }
    });
    sock.ev.on('call', (calls) => {
      if (this.current !== run) {
        return;
      }
      for (const call of calls) {
        const event = toCallEvent(call);
        if (event) {
          this.emit('call', event);
        }
      }
    });
  }

  /**
   * The undici dispatcher of media downloads: through the instance's proxy when one is set
   * (`ProxyAgent` for http(s), `Socks5ProxyAgent` for socks5), trusting only the sandbox media
   * CA in sandbox mode; `undefined` (fetch's default) otherwise.
   */
  private mediaDispatcher(): Dispatcher | undefined {
    if (this.downloadDispatcher) return this.downloadDispatcher;
    const ca = this.options.sandbox?.mediaCa;
    const tls = ca ? { ca } : undefined;
    const proxy = this.options.mediaProxyUrl;
    const lookup = this.options.proxyLookup;
    if (proxy && /^socks5?h?:/i.test(proxy)) {
      // `requestTls`: TLS to the target through the tunnel. `connect`: the socket to the proxy
      // (plain TCP: `proxyTls` would make it TLS).
      const options: ConstructorParameters<typeof Socks5ProxyAgent>[1] = {
        ...(tls ? { requestTls: tls } : {}),
        ...(lookup ? { connect: buildConnector({ lookup }) } : {}),
      };
      this.downloadDispatcher = new Socks5ProxyAgent(
        proxy.replace(/^socks5h:/i, 'socks5:'),
        options,
      );
    } else if (proxy) {
      this.downloadDispatcher = new ProxyAgent({
        uri: proxy,
        ...(tls ? { requestTls: tls } : {}),
        // The connection to the proxy itself (its options reach net/tls.connect).
        ...(lookup ? { proxyTls: { lookup } } : {}),
      });
    } else if (tls) {
      this.downloadDispatcher = new UndiciAgent({ connect: tls });
    }
    return this.downloadDispatcher;
  }

  private socketConfig(auth: AuthenticationState): UserFacingSocketConfig {
    const o = this.options;
    const historyOff = o.disableHistorySync ?? o.sandbox !== undefined;
    const config: UserFacingSocketConfig = {
      auth,
      logger: this.engineLog,
      version: o.waVersion,
      browser: o.browser,
      markOnlineOnConnect: o.markOnlineOnConnect ?? false,
      syncFullHistory: historyOff ? false : (o.syncFullHistory ?? false),
      connectTimeoutMs: o.connectTimeoutMs ?? 20_000,
    };
    if (historyOff) {
      config.shouldSyncHistoryMessage = () => false;
    }
    if (o.qrTimeoutMs !== undefined) {
      config.qrTimeout = o.qrTimeoutMs;
    }
    if (o.proxyAgent) {
      // Baileys types these as https.Agent; `ws` and fetch accept any http.Agent.
      config.agent = o.proxyAgent as HttpsAgent;
      config.fetchAgent = o.proxyAgent as HttpsAgent;
    }
    if (o.sandbox) {
      config.waWebSocketUrl = o.sandbox.wsUrl;
      if (o.sandbox.mediaCa && !o.proxyAgent) {
        // Uploads go through Node's https.request with `fetchAgent` (messages-media.js).
        config.fetchAgent = new HttpsAgentClass({ ca: o.sandbox.mediaCa, keepAlive: true });
      }
    }
    return config;
  }

  private async onConnectionUpdate(
    b: BaileysModule,
    run: SocketRun,
    update: Partial<ConnectionState>,
  ): Promise<void> {
    if (update.connection === 'close') {
      await this.onClose(b, run, update.lastDisconnect?.error);
      return;
    }
    if (this.current !== run) {
      return;
    }
    if (update.isNewLogin) {
      this.newLogin = true;
    }
    if (update.qr) {
      run.registrationUp = true;
      for (const waiter of run.registrationWaiters) {
        waiter.resolve();
      }
      run.registrationWaiters.clear();
      if (!run.pairingCodeRequested) {
        this.emitConnection({ state: 'connecting', reason: 'qr_ready', qr: update.qr });
      }
    }
    if (update.connection === 'open') {
      const me = this.me;
      const isNewLogin = this.newLogin;
      this.newLogin = false;
      this.emitConnection({
        state: 'connected',
        reason: 'connected',
        ...(me ? { jid: me.jid } : {}),
        ...(me?.lid ? { lid: me.lid } : {}),
        isNewLogin,
      });
      this.emitProfileIfChanged();
    }
  }

  private async onClose(b: BaileysModule, run: SocketRun, error: Error | undefined): Promise<void> {
    if (this.current !== run) {
      run.markClosed();
      return;
    }
    this.current = null;
    this.closing = run.closed;
    const statusCode = statusCodeOf(error);
    const message = error?.message;
    for (const waiter of run.registrationWaiters) {
      waiter.reject(new PairingCodeUnavailableError('The connection closed before it was ready'));
    }
    run.registrationWaiters.clear();
    const details = {
      ...(statusCode !== undefined ? { statusCode } : {}),
      ...(message ? { error: message } : {}),
    };
    try {
      if (run.intent === 'stop') {
        await this.auth?.retire();
        this.currentState = 'disconnected';
        this.log.info('session stopped');
        return;
      }
      if (run.intent === 'logout') {
        await this.clearCredentials();
        this.emitConnection({ state: 'loggedout', reason: 'logged_out', ...details });
        return;
      }
      const outcome = classifyClose(statusCode, message);
      switch (outcome.kind) {
        case 'restart':
          this.emitConnection({ state: 'connecting', reason: 'restart_required', ...details });
          if (this.auth) {
            this.openSocket(b, this.auth);
          }
          return;
        case 'logged_out':
          await this.clearCredentials();
          this.emitConnection({ state: 'loggedout', reason: 'logged_out', ...details });
          return;
        case 'banned':
          await this.auth?.retire();
          this.emitConnection({
            state: 'banned',
            reason: outcome.temporary ? 'temp_banned' : 'banned',
            ...details,
          });
          return;
        case 'disconnected':
          await this.auth?.retire();
          this.emitConnection({
            state: 'disconnected',
            reason: 'connection_lost',
            ...details,
            cause: outcome.cause,
            retryable: outcome.retryable,
          });
          return;
      }
    } finally {
      run.markClosed();
    }
  }

  /** Stops all writes of the current auth, clears the store and forgets the account. */
  private async clearCredentials(): Promise<void> {
    await this.auth?.retire();
    this.auth = null;
    this.lastProfile = null;
    this.newLogin = false;
    await this.options.store.clear();
  }

  private waitForRegistration(run: SocketRun): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? 20_000;
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        run.registrationWaiters.delete(waiter);
        reject(new PairingCodeUnavailableError('Timed out waiting for the registration stream'));
      }, timeoutMs);
      run.registrationWaiters.add(waiter);
    });
  }

  private async settleStart(): Promise<void> {
    if (this.starting) {
      await this.starting.catch(() => undefined);
    }
  }

  private connectedSocket(): WASocket {
    if (!this.current || this.currentState !== 'connected') {
      throw new SessionNotConnectedError();
    }
    return this.current.sock;
  }

  private emitConnection(event: ConnectionEvent): void {
    this.currentState = event.state;
    const { qr: _qr, pairingCode: _code, ...loggable } = event;
    this.log.info(loggable, 'whatsapp connection %s/%s', event.state, event.reason);
    this.emit('connection', event);
  }

  private emitProfileIfChanged(): void {
    const creds = this.auth?.state.creds;
    const profile = creds ? profileOf(creds) : null;
    if (!profile) {
      return;
    }
    const key = JSON.stringify(profile);
    if (key !== this.lastProfile) {
      this.lastProfile = key;
      this.emit('profile', profile);
    }
  }
}

/**
 * Creates a Baileys-backed {@link WhatsAppSession}. Nothing connects until `start()`; Baileys
 * itself is loaded then (one dynamic `import('baileys')` per process).
 */
export function createBaileysSession(options: BaileysSessionOptions): BaileysSession {
  return new BaileysSession(options);
}

function statusCodeOf(error: Error | undefined): number | undefined {
  const output = (error as { output?: { statusCode?: unknown } } | undefined)?.output;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}

function timestampOf(value: unknown): Date {
  if (typeof value === 'number') {
    return new Date(value * 1000);
  }
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function') {
    return new Date((value as { toNumber(): number }).toNumber() * 1000);
  }
  return new Date();
}

function toCallEvent(call: WACallEvent): CallEvent | null {
  const status = CALL_STATUS[call.status];
  if (!status) {
    return null;
  }
  return {
    id: call.id,
    from: call.from,
    ...(call.callerPn ? { callerPn: call.callerPn } : {}),
    chatId: call.chatId,
    ...(call.groupJid ? { groupJid: call.groupJid } : {}),
    status,
    isVideo: call.isVideo ?? false,
    isGroup: call.isGroup ?? false,
    offline: call.offline,
    timestamp: call.date,
  };
}

function profileOf(creds: AuthenticationCreds): ProfileEvent | null {
  if (!creds.account || !creds.me?.id) {
    return null;
  }
  const platform = creds.platform ?? null;
  return {
    jid: creds.me.id,
    lid: creds.me.lid ?? null,
    name: creds.me.name ?? null,
    platform,
    isBusiness: platform !== null && BUSINESS_PLATFORMS.has(platform),
  };
}

/** The engine's message content for a domain {@link OutgoingContent}. */
function toEngineContent(
  content: OutgoingContent,
  mentions: string[] | undefined,
): AnyMessageContent {
  switch (content.kind) {
    case 'text':
      return content.linkPreview
        ? {
            text: content.text,
            mentions,
            linkPreview: {
              'canonical-url': content.linkPreview.canonicalUrl,
              'matched-text': content.linkPreview.matchedText,
              title: content.linkPreview.title,
              description: content.linkPreview.description,
              jpegThumbnail: content.linkPreview.jpegThumbnailBase64
                ? Buffer.from(content.linkPreview.jpegThumbnailBase64, 'base64')
                : undefined,
            },
          }
        : // null: no preview unless asked (Baileys would otherwise try to build one itself)
          { text: content.text, mentions, linkPreview: null };
    case 'location':
      return {
        location: {
          degreesLatitude: content.latitude,
          degreesLongitude: content.longitude,
          name: content.name,
          address: content.address,
        },
      };
    case 'poll':
      return {
        poll: {
          name: content.name,
          values: content.options,
          selectableCount: content.selectableCount,
        },
      };
    case 'contact':
    case 'contacts':
      return {
        contacts: {
          displayName: content.contacts.map((c) => c.displayName).join(', '),
          contacts: content.contacts.map((c) => ({ displayName: c.displayName, vcard: c.vcard })),
        },
      };
    case 'reaction':
      return {
        react: {
          text: content.emoji,
          key: {
            remoteJid: content.target.chatJid,
            id: content.target.messageId,
            fromMe: content.target.fromMe,
            ...(content.target.participant ? { participant: content.target.participant } : {}),
          },
        },
      };
    case 'buttons':
    case 'list':
    case 'interactive':
    case 'event':
      throw new Error(`${content.kind} messages are relayed, not built by the engine`);
    case 'media':
      return mediaContent(content, mentions);
    case 'sticker':
      return { sticker: Buffer.from(content.base64, 'base64'), mimetype: content.mimeType };
    case 'status':
      return content.content.kind === 'text'
        ? { text: content.content.text }
        : mediaContent(content.content, undefined);
  }
}

/** Baileys content of an image, video, document or audio send (bytes decoded from base64). */
function mediaContent(media: OutgoingMedia, mentions: string[] | undefined): AnyMessageContent {
  const bytes = Buffer.from(media.base64, 'base64');
  switch (media.mediaType) {
    case 'image':
      return { image: bytes, caption: media.caption, mimetype: media.mimeType, mentions };
    case 'video':
      return {
        video: bytes,
        caption: media.caption,
        mimetype: media.mimeType,
        mentions,
        ...(media.seconds !== undefined ? { seconds: media.seconds } : {}),
      };
    case 'document':
      return {
        document: bytes,
        mimetype: media.mimeType,
        fileName: media.fileName,
        caption: media.caption,
      };
    case 'audio':
      // `waveform` is not in Baileys' type but is copied into the audioMessage like `seconds`.
      return {
        audio: bytes,
        mimetype: media.mimeType,
        ptt: media.ptt ?? false,
        ...(media.seconds !== undefined ? { seconds: media.seconds } : {}),
        ...(media.waveform ? { waveform: Uint8Array.from(media.waveform) } : {}),
      };
  }
}

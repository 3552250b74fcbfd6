import type { Agent as HttpAgent } from 'node:http';
import { type Agent as HttpsAgent, Agent as HttpsAgentClass } from 'node:https';
import type { LookupFunction } from 'node:net';

import type {
  AuthenticationState,
  ConnectionState,
  UserFacingSocketConfig,
  WASocket,
} from 'baileys';
import type { Level, Logger } from 'pino';
import type { Dispatcher } from 'undici';

import type { AuthStateStore } from '../auth-state-store';
import {
  AppStateNotReadyError,
  PairingCodeUnavailableError,
  SessionNotConnectedError,
} from '../errors';
import { normalizePhoneNumber } from '../jid';
import { WhatsAppSession } from '../session';
import type { ConnectionEvent, SessionMe, SessionState, WhatsAppSessionEvents } from '../types';
import { bindAppStateEvents } from './app-state-events';
import { loadStoreBackedAuth, type StoreBackedAuth } from './auth-state';
import { classifyClose, statusCodeOf } from './close-reason';
import { bindTrafficEvents, profileOf } from './events';
import { BaileysCalls } from './facets/calls';
import { BaileysChats } from './facets/chats';
import { BaileysContacts } from './facets/contacts';
import type { BaileysFacetContext } from './facets/context';
import { BaileysGroups } from './facets/groups';
import { BaileysLabels } from './facets/labels';
import { BaileysMessages } from './facets/messages';
import { BaileysPresence } from './facets/presence';
import { BaileysPrivacy } from './facets/privacy';
import { type BaileysModule, loadBaileys } from './loader';
import { createMediaDispatcher } from './media-dispatcher';
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
  /**
   * How long an app-state write waits for the phone's app-state key when it has not arrived yet,
   * then fails with `AppStateNotReadyError`. Default 5 000 (a bound, never Baileys' 60 s).
   */
  appStateKeyWaitMs?: number;
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
  /** Set once the first app-state resync of this socket started (see `resyncOnce`). */
  appStateSynced: boolean;
  /** Resolves when the close of this socket has been handled (event emitted, writes done). */
  readonly closed: Promise<void>;
  readonly markClosed: () => void;
}

/**
 * The Baileys adapter of {@link WhatsAppSession}. Maps socket closes per `classifyClose`
 * (515 → reconnects itself at once with the saved creds; 401 → `loggedout` and the store is
 * cleared; 403/402 → `banned`; 440 → `disconnected` with cause `replaced`; everything else →
 * `disconnected/connection_lost` with the status code, for the caller's backoff, D10).
 * This class keeps the connection lifecycle; the capabilities are one file per facet under
 * `facets/`, each given the connected socket through a {@link BaileysFacetContext}, and
 * `events.ts` maps the socket's traffic events to the port's events.
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
  override readonly messages: BaileysMessages;
  override readonly contacts: BaileysContacts;
  override readonly groups: BaileysGroups;
  override readonly presence: BaileysPresence;
  override readonly calls: BaileysCalls;
  override readonly privacy: BaileysPrivacy;
  override readonly chats: BaileysChats;
  override readonly labels: BaileysLabels;
  /** App-state writes waiting for the phone's key (resolved by `creds.update`). */
  private readonly appStateKeyWaiters = new Set<() => void>();

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
    const context: BaileysFacetContext = {
      socket: () => this.connectedSocket(),
      baileys: () => this.baileys,
      me: () => this.me,
      log: this.log,
      engineLog: this.engineLog,
      mediaDispatcher: () => (this.downloadDispatcher ??= createMediaDispatcher(this.options)),
      appStateKey: (operation) => this.waitForAppStateKey(operation),
    };
    this.messages = new BaileysMessages(context);
    this.contacts = new BaileysContacts(context);
    this.groups = new BaileysGroups(context);
    this.presence = new BaileysPresence(context);
    this.calls = new BaileysCalls(context);
    this.privacy = new BaileysPrivacy(context);
    this.chats = new BaileysChats(context);
    this.labels = new BaileysLabels(context);
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
      appStateSynced: false,
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
      if (update.myAppStateKeyId) {
        for (const waiter of this.appStateKeyWaiters) waiter();
        this.appStateKeyWaiters.clear();
        this.resyncOnce(b, run);
      }
    });
    sock.ev.on('connection.update', (update) => {
      this.onConnectionUpdate(b, run, update).catch((err: unknown) => {
        this.log.error({ err }, 'failed to handle a connection update');
      });
    });
    const binding = {
      isCurrent: () => this.current === run,
      me: () => this.me,
      emit: <K extends keyof WhatsAppSessionEvents>(event: K, payload: WhatsAppSessionEvents[K]) =>
        void this.emit(event, payload),
    };
    bindTrafficEvents(b, sock, binding);
    bindAppStateEvents(sock, binding);
  }

  /**
   * Fetches the whole app state once per socket, as soon as it is connected and the phone's
   * app-state key is there (now or later by `creds.update`). Baileys does this itself only after
   * a history sync, which Wharf may turn off (`disableHistorySync`, always in sandbox mode), and
   * without it the labels, contacts and chat flags of the phone never arrive
   * (docs round2-protocol §2.2). Not `isInitialSync`: that mode checks chat updates against
   * history data that never comes.
   */
  private resyncOnce(b: BaileysModule, run: SocketRun): void {
    if (
      run.appStateSynced ||
      this.current !== run ||
      this.currentState !== 'connected' ||
      !this.auth?.state.creds.myAppStateKeyId
    ) {
      return;
    }
    run.appStateSynced = true;
    run.sock.resyncAppState(b.ALL_WA_PATCH_NAMES, false).catch((err: unknown) => {
      this.log.warn({ err }, 'the first app-state sync failed; it runs again on the next write');
    });
  }

  /** See {@link BaileysFacetContext.appStateKey}. */
  private waitForAppStateKey(operation: string): Promise<void> {
    if (this.auth?.state.creds.myAppStateKeyId) return Promise.resolve();
    const timeoutMs = this.options.appStateKeyWaitMs ?? 5_000;
    return new Promise<void>((resolve, reject) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.appStateKeyWaiters.delete(waiter);
        reject(new AppStateNotReadyError(operation));
      }, timeoutMs);
      this.appStateKeyWaiters.add(waiter);
    });
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
      this.resyncOnce(b, run);
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

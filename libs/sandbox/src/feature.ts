import type { BinaryNode } from 'baileys';

import type { AppStateStore } from './app-state-store';
import type { BaileysModule } from './baileys-loader';
import type { ChatConnection } from './chat-connection';
import type { ChatServerConfig } from './chat-server';
import type { PhoneDirectory } from './directory';
import type { SandboxLogger } from './logger';
import type { MediaStore } from './media-server';
import type { MessageRouter } from './messaging';
import type { PhoneClient } from './phone-client';
import type { Device, Phone } from './state';

/**
 * How the sandbox grows by feature (issue 12 §7; how-to in libs/sandbox/README.md).
 *
 * `ChatServer` keeps the sockets, the Noise handshake, login and the dispatch. Everything else
 * (pairing, calls, groups, prekeys, usync, …) is a feature: a class in `features/` built with
 * the {@link FeatureHost} that, in {@link SandboxFeature.register}, tells the
 * {@link FeatureRegistry} which iqs it answers, which other stanzas it handles, which control
 * routes it serves and which connection events it wants. The list in `features/index.ts` says
 * which features a sandbox runs.
 */

/** Which `<iq>` a handler answers: its `xmlns`, and optionally its `type` and first child's tag. */
export interface IqMatch {
  xmlns: string;
  /** Absent: both `get` and `set`. */
  type?: 'get' | 'set';
  /** Tag of the iq's first child; absent: any child, or none. */
  child?: string;
}

/** An `<iq type="get|set">` a client sent. */
export interface IqRequest {
  conn: ChatConnection;
  iq: BinaryNode;
  /** The iq's first child node, if any. */
  first: BinaryNode | undefined;
}

/** An iq from a logged-in device: the account and the device it logged in as. */
export interface LoggedInIq extends IqRequest {
  phone: Phone;
  device: Device;
}

/** JSON object body of a control request (`{}` when the request has none). */
export type ControlBody = Record<string, unknown>;

/**
 * A route of the control API (JSON in and out). `pattern` is matched against the path without
 * trailing slashes; its groups, URI-decoded, are `params`. `run` answers with `status`
 * (default 200) or throws `SandboxError` for its status; anything else thrown answers 500.
 */
export interface ControlRoute {
  method: 'GET' | 'POST';
  pattern: RegExp;
  status?: number;
  run: (params: string[], body: ControlBody, query: URLSearchParams) => unknown;
}

/** Where a feature registers what it handles; duplicate registrations throw at start-up. */
export interface FeatureRegistry {
  /**
   * Answers matching iqs from logged-in devices. Before login, an iq no
   * {@link iqBeforeLogin} handler takes is refused with 501 (chat-server.ts `answerIq`).
   */
  iq(match: IqMatch, answer: (request: LoggedInIq) => BinaryNode): void;
  /** Answers matching iqs whether or not the connection logged in (e.g. pairing-code stages). */
  iqBeforeLogin(match: IqMatch, answer: (request: IqRequest) => BinaryNode): void;
  /** Handles every incoming stanza with this tag other than `iq` (e.g. `message`, `call`). */
  stanza(tag: string, handle: (conn: ChatConnection, node: BinaryNode) => void): void;
  /** Serves a control API route. */
  route(route: ControlRoute): void;
  /** A client without an account finished the handshake (registration payload). */
  onRegistration(handle: (conn: ChatConnection) => void): void;
  /** A device logged in (its `<success>` and offline queue were sent; `conn.login` is set). */
  onLogin(handle: (conn: ChatConnection) => void): void;
  /** A connection closed, for any reason. */
  onDisconnect(handle: (conn: ChatConnection) => void): void;
  /** The server closes: clear timers. */
  onShutdown(handle: () => void): void;
}

/** What the chat server lends its features. */
export interface FeatureHost extends PhoneDirectory {
  readonly b: BaileysModule;
  readonly config: ChatServerConfig;
  readonly logger: SandboxLogger;
  /** Routes stanzas between devices, queues them for offline devices, keeps the groups. */
  readonly router: MessageRouter;
  /** The media host's store. */
  readonly media: MediaStore;
  /** The accounts' app-state patches and key-share memory (app-state-store.ts). */
  readonly appState: AppStateStore;
  /** @throws SandboxError 404 when no phone has this number. */
  requirePhone(number: string): Phone;
  /** The phone's primary (a Baileys client). @throws SandboxError 404 unknown phone. */
  phoneClient(number: string): PhoneClient;
  /**
   * The phone's primary once its socket is open.
   * @throws SandboxError 404 unknown phone, 409 when it is not open within `primaryReadyTimeoutMs`.
   */
  readyClient(number: string): Promise<PhoneClient>;
  /** The open, logged-in connection of a phone's device (0 = primary), if any. */
  connectionOf(phone: Phone, deviceId: number): ChatConnection | undefined;
  /** The open, logged-in connections of a phone's companions (not the primary). */
  companionConnections(phone: Phone): ChatConnection[];
}

/** A sandbox feature: built once per chat server, it registers its handlers. */
export interface SandboxFeature {
  register(registry: FeatureRegistry): void;
}

/** The class of a feature, as listed in `features/index.ts`. */
export type FeatureClass<T extends SandboxFeature = SandboxFeature> = new (host: FeatureHost) => T;

/** A registered iq handler: one that also answers before login, or one that needs the login. */
export type IqEntry =
  | { beforeLogin: true; answer: (request: IqRequest) => BinaryNode }
  | { beforeLogin: false; answer: (request: LoggedInIq) => BinaryNode };

function iqKey(xmlns: string, type: string | undefined, child: string | undefined): string {
  return `${xmlns}|${type ?? '*'}|${child ?? '*'}`;
}

/**
 * The registry of a chat server's features and the lookups its dispatch makes. An iq is looked
 * up from the most specific registration to the least: xmlns + type + child, xmlns + type,
 * xmlns + child, xmlns alone; so the order features are listed in never changes an answer.
 */
export class FeatureTable implements FeatureRegistry {
  private readonly iqs = new Map<string, IqEntry>();
  private readonly stanzas = new Map<string, (conn: ChatConnection, node: BinaryNode) => void>();
  /** The control routes the features serve, in registration order. */
  readonly routes: ControlRoute[] = [];
  private readonly registrationHandlers: ((conn: ChatConnection) => void)[] = [];
  private readonly loginHandlers: ((conn: ChatConnection) => void)[] = [];
  private readonly disconnectHandlers: ((conn: ChatConnection) => void)[] = [];
  private readonly shutdownHandlers: (() => void)[] = [];

  iq(match: IqMatch, answer: (request: LoggedInIq) => BinaryNode): void {
    this.addIq(match, { beforeLogin: false, answer });
  }

  iqBeforeLogin(match: IqMatch, answer: (request: IqRequest) => BinaryNode): void {
    this.addIq(match, { beforeLogin: true, answer });
  }

  stanza(tag: string, handle: (conn: ChatConnection, node: BinaryNode) => void): void {
    if (tag === 'iq' || this.stanzas.has(tag)) {
      throw new Error(`sandbox feature: <${tag}> stanzas are already handled`);
    }
    this.stanzas.set(tag, handle);
  }

  route(route: ControlRoute): void {
    const clash = this.routes.find(
      (other) => other.method === route.method && String(other.pattern) === String(route.pattern),
    );
    if (clash) {
      throw new Error(
        `sandbox feature: ${route.method} ${String(route.pattern)} is already served`,
      );
    }
    this.routes.push(route);
  }

  onRegistration(handle: (conn: ChatConnection) => void): void {
    this.registrationHandlers.push(handle);
  }

  onLogin(handle: (conn: ChatConnection) => void): void {
    this.loginHandlers.push(handle);
  }

  onDisconnect(handle: (conn: ChatConnection) => void): void {
    this.disconnectHandlers.push(handle);
  }

  onShutdown(handle: () => void): void {
    this.shutdownHandlers.push(handle);
  }

  /** The handler registered for this iq (most specific first), if any. */
  findIq(iq: BinaryNode, first: BinaryNode | undefined): IqEntry | undefined {
    const { xmlns, type } = iq.attrs;
    const child = first?.tag;
    const keys = [iqKey(xmlns, type, child), iqKey(xmlns, type, undefined)];
    keys.push(iqKey(xmlns, undefined, child), iqKey(xmlns, undefined, undefined));
    for (const key of keys) {
      const entry = this.iqs.get(key);
      if (entry) {
        return entry;
      }
    }
    return undefined;
  }

  /** The handler of a non-iq stanza tag, if a feature registered one. */
  findStanza(tag: string): ((conn: ChatConnection, node: BinaryNode) => void) | undefined {
    return this.stanzas.get(tag);
  }

  /** Runs the registration handlers. */
  registered(conn: ChatConnection): void {
    this.registrationHandlers.forEach((handle) => handle(conn));
  }

  /** Runs the login handlers. */
  loggedIn(conn: ChatConnection): void {
    this.loginHandlers.forEach((handle) => handle(conn));
  }

  /** Runs the disconnect handlers. */
  disconnected(conn: ChatConnection): void {
    this.disconnectHandlers.forEach((handle) => handle(conn));
  }

  /** Runs the shutdown handlers. */
  shutdown(): void {
    this.shutdownHandlers.forEach((handle) => handle());
  }

  private addIq(match: IqMatch, entry: IqEntry): void {
    const key = iqKey(match.xmlns, match.type, match.child);
    if (this.iqs.has(key)) {
      throw new Error(`sandbox feature: iq ${key} is already answered`);
    }
    this.iqs.set(key, entry);
  }
}

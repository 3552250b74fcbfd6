import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import type {
  PhoneChatView,
  PhoneContactView,
  PhoneLabelView,
  PhoneMessageFlagsView,
} from './app-state-view';
import { loadBaileys } from './baileys-loader';
import {
  CHAT_PATH,
  ChatServer,
  type ChatServerConfig,
  DEFAULT_CHAT_SERVER_CONFIG,
  type PhoneView,
} from './chat-server';
import { createControlApi } from './control-api';
import { AppStateFeature } from './features/app-state';
import { CallsFeature, type CallView } from './features/calls';
import { GroupsFeature } from './features/groups';
import { MessagesFeature, type PhoneMessagesView } from './features/messages';
import { PairingFeature } from './features/pairing';
import { PhoneEventsFeature } from './features/phone-events';
import { UnlinkFeature } from './features/unlink';
import { type SandboxLogger, silentLogger } from './logger';
import { SANDBOX_MEDIA_CERT, SANDBOX_MEDIA_KEY } from './media-cert';
import type { GroupView } from './messaging';
import type { SandboxState } from './persistence';
import type { PhoneEvent } from './phone-events';
import { SANDBOX_ROOT_PUBLIC_KEY } from './root-key';

/** Options of {@link startSandbox}. Durations are milliseconds. */
export interface SandboxOptions extends Partial<ChatServerConfig> {
  /** Port of the chat WebSocket (`/ws/chat`); 0 picks a free port. Default 8900. */
  port?: number;
  /** Port of the HTTP control API; 0 picks a free port. Default 8901. */
  controlPort?: number;
  /**
   * Port of the HTTPS media host (certificate `SANDBOX_MEDIA_CERT`); 0 picks a free port.
   * Default 8902, or a free port when `port` is 0.
   */
  mediaPort?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** pino-compatible logger; silent by default. */
  logger?: SandboxLogger;
  /**
   * Start from a saved state ({@link Sandbox.exportState}, `GET /state`) instead of an empty
   * network: the same phones, companions, keys and groups, so linked companions log in again
   * without a new QR code and their Signal sessions go on.
   */
  state?: SandboxState;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * A running sandbox: the emulated WhatsApp chat server plus its control API. The methods are
 * the programmatic equivalents of the control routes and throw `SandboxError` (with the HTTP
 * status the route would answer) on bad input or state.
 */
export class Sandbox {
  /** `ws://host:port/ws/chat`, the value for Baileys' `waWebSocketUrl`. */
  readonly wsUrl: string;
  /** `http://host:controlPort`, base URL of the control API. */
  readonly controlUrl: string;
  /** `https://host:mediaPort`, the media host Baileys uploads to (trust `SANDBOX_MEDIA_CERT`). */
  readonly mediaUrl: string;

  constructor(
    private readonly chat: ChatServer,
    private readonly servers: { chat: Server; control: Server; media: Server },
    host: string,
    readonly port: number,
    readonly controlPort: number,
    readonly mediaPort: number,
  ) {
    this.wsUrl = `ws://${urlHost(host)}:${port}${CHAT_PATH}`;
    this.controlUrl = `http://${urlHost(host)}:${controlPort}`;
    this.mediaUrl = `https://${urlHost(host)}:${mediaPort}`;
  }

  /** `POST /phones`: creates a phone (WhatsApp account with a primary device). */
  createPhone(number: string, name?: string): { number: string; jid: string; lid: string } {
    return this.chat.createPhone(number, name);
  }

  /** `GET /phones`: phones with their linked companion devices. */
  listPhones(): PhoneView[] {
    return this.chat.listPhones();
  }

  /** `POST /phones/:number/link`: the phone scans a QR string a companion emitted. */
  link(number: string, qr: string): Promise<{ jid: string; lid: string }> {
    return this.chat.feature(PairingFeature).linkByQr(number, qr);
  }

  /** `POST /phones/:number/pair`: the user types a companion's pairing code on the phone. */
  pair(number: string, code: string): Promise<{ jid: string; lid: string }> {
    return this.chat.feature(PairingFeature).pairWithCode(number, code);
  }

  /** `POST /phones/:number/unlink`: removes all companions, or the one with `deviceId`. */
  unlink(number: string, deviceId?: number): { removed: number[] } {
    return this.chat.feature(UnlinkFeature).unlink(number, deviceId);
  }

  /** `POST /phones/:number/call`: the phone calls `to` (number or JID of another phone). */
  call(number: string, to: string): CallView {
    return this.chat.feature(CallsFeature).call(number, to);
  }

  /** `GET /phones/:number/calls`: calls the phone placed. */
  listCalls(number: string): CallView[] {
    return this.chat.feature(CallsFeature).listCalls(number);
  }

  /** `POST /network/drop`: cuts every WebSocket and refuses new ones for `ms` milliseconds. */
  dropNetwork(ms: number): { until: string } {
    return this.chat.dropNetwork(ms);
  }

  /**
   * `POST /phones/:number/messages`: the phone's primary sends a message. `message` is the
   * request body: `{ to, text, replyTo? }`, `{ to, location: { degreesLatitude,
   * degreesLongitude, name?, address? } }`, `{ to, contacts: [{ displayName, vcard }] }`,
   * `{ to, reaction: { messageId, emoji } }`, `{ to, poll: { name, options, selectableCount? } }`,
   * `{ to, pollVote: { messageId, options: [names] } }`, `{ to, edit: { messageId, text } }` or
   * `{ to, revoke: { messageId } }`.
   */
  sendMessage(number: string, message: Record<string, unknown>): Promise<{ messageId: string }> {
    return this.chat.feature(MessagesFeature).sendFromPhone(number, message);
  }

  /**
   * `GET /phones/:number/messages?chat=`: messages the phone received (decrypted by its
   * primary), oldest first, and the receipts it got for messages it sent.
   */
  messages(number: string, chat?: string): PhoneMessagesView {
    return this.chat.feature(MessagesFeature).phoneMessages(number, chat);
  }

  /**
   * `GET /phones/:number/events?type=&since=`: what the phone's primary observed besides
   * messages (app-state changes, presence, receipts, blocklist; phone-events.ts), oldest first.
   */
  events(number: string, type?: string, since = 0): { events: PhoneEvent[]; lastSeq: number } {
    const query = new URLSearchParams({ since: String(since), ...(type ? { type } : {}) });
    return this.chat.feature(PhoneEventsFeature).events(number, query);
  }

  /**
   * `GET /phones/:number/messages/:id/media`: the decrypted bytes (base64) of a media message
   * the phone received, with its announced MIME type.
   */
  media(
    number: string,
    messageId: string,
  ): Promise<{ mimetype: string | null; size: number; base64: string }> {
    return this.chat.feature(MessagesFeature).phoneMedia(number, messageId);
  }

  /** `POST /phones/:number/read`: the phone sends read receipts for messages in `chat`. */
  read(number: string, chat: string, messageIds: string[]): Promise<{ messageIds: string[] }> {
    return this.chat.feature(MessagesFeature).receiptsFromPhone(number, chat, messageIds, 'read');
  }

  /** `POST /phones/:number/play`: the phone sends played receipts (voice notes, videos). */
  play(number: string, chat: string, messageIds: string[]): Promise<{ messageIds: string[] }> {
    return this.chat.feature(MessagesFeature).receiptsFromPhone(number, chat, messageIds, 'played');
  }

  /**
   * `POST /phones/:number/appstate/key-share`: whether the phone shares its app-state key with
   * companions that log in from now on (default true).
   */
  setAppStateKeyShare(number: string, enabled: boolean): { enabled: boolean } {
    return this.chat.feature(AppStateFeature).setKeyShare(number, enabled);
  }

  /**
   * `POST /phones/:number/appstate/share-key`: the phone sends its app-state key now, to the
   * companion `deviceId` or to every linked companion.
   */
  shareAppStateKey(number: string, deviceId?: number): Promise<{ sharedWith: number[] }> {
    return this.chat.feature(AppStateFeature).shareKey(number, deviceId);
  }

  /**
   * `POST /phones/:number/appstate`: the phone changes a chat (number or JID) through app state;
   * `mod` is `{ archive: bool }`, `{ pin: bool }`, `{ mute: ms epoch | -1 | null }`,
   * `{ markRead: bool }` or `{ delete: true }`.
   */
  modifyChat(
    number: string,
    chat: string,
    mod: Record<string, unknown>,
  ): Promise<{ chat: string }> {
    return this.chat.feature(AppStateFeature).modifyChat(number, chat, mod);
  }

  /** `POST /phones/:number/labels`: the phone creates, edits or deletes a label. */
  editLabel(
    number: string,
    label: { id: string; name: string; color: number; deleted?: boolean },
  ): Promise<PhoneLabelView> {
    return this.chat.feature(AppStateFeature).editLabel(number, label);
  }

  /** `POST /phones/:number/labels/:id/chats`: the phone puts a label on a chat or takes it off. */
  labelChat(
    number: string,
    labelId: string,
    chat: string,
    labeled: boolean,
  ): Promise<{ chat: string; labelId: string; labeled: boolean }> {
    return this.chat.feature(AppStateFeature).labelChat(number, labelId, chat, labeled);
  }

  /** `POST /phones/:number/contacts`: the phone saves a contact in its address book. */
  editContact(
    number: string,
    contact: { number: string; fullName: string; firstName?: string },
  ): Promise<PhoneContactView> {
    return this.chat.feature(AppStateFeature).editContact(number, contact);
  }

  /** `POST /phones/:number/star`: the phone stars or unstars a message. */
  starMessage(
    number: string,
    star: { chat: string; messageId: string; fromMe: boolean; star: boolean },
  ): Promise<{ chat: string; messageId: string; starred: boolean }> {
    return this.chat.feature(AppStateFeature).star(number, star);
  }

  /** `GET /phones/:number/chats`: the chats' app-state flags as the phone knows them. */
  chats(number: string): PhoneChatView[] {
    return this.chat.feature(AppStateFeature).chats(number);
  }

  /** `GET /phones/:number/labels`: the labels the phone knows. */
  labels(number: string): PhoneLabelView[] {
    return this.chat.feature(AppStateFeature).labels(number);
  }

  /** `GET /phones/:number/contacts`: the phone's address book (from app state). */
  contacts(number: string): PhoneContactView[] {
    return this.chat.feature(AppStateFeature).contacts(number);
  }

  /** `GET /phones/:number/starred`: messages the phone starred or deleted for itself. */
  starred(number: string): PhoneMessageFlagsView {
    return this.chat.feature(AppStateFeature).messageFlags(number);
  }

  /** `POST /groups`: a group owned by the phone `owner` with other phones as participants. */
  createGroup(owner: string, subject: string, participants: string[]): GroupView {
    return this.chat.feature(GroupsFeature).createGroup(owner, subject, participants);
  }

  /**
   * `POST /phones/:number/disconnect` (`false`) and `/connect` (`true`): takes the phone's
   * primary off the network, so the server queues its messages, or brings it back.
   */
  setPhoneOnline(number: string, online: boolean): { online: boolean } {
    return this.chat.setPhoneOnline(number, online);
  }

  /**
   * `GET /state`: everything the sandbox keeps, as a JSON-safe object (bytes base64, times
   * ISO-8601; shape in persistence.ts) for `startSandbox({ state })`. Take it while the network
   * is quiet (e.g. after the companions stopped) so that no message is half-way through.
   */
  async exportState(): Promise<SandboxState> {
    return this.chat.exportState();
  }

  /** Ends the phones' primaries, cuts all client connections and stops both listeners. */
  async close(): Promise<void> {
    await this.chat.stopPhones();
    this.chat.close();
    await Promise.all(Object.values(this.servers).map(closeServer));
  }
}

/**
 * Starts the sandbox: the chat WebSocket on `port` (default 8900) and the control API on
 * `controlPort` (default 8901), both on `host` (default 127.0.0.1). Pass 0 for free ports and
 * read the real ones from `wsUrl` / `controlUrl`; pass `state` to start from a saved sandbox.
 * Rejects when a port is taken or `state` is not a sandbox state of this version.
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const b = await loadBaileys();
  const host = opts.host ?? '127.0.0.1';
  const logger = opts.logger ?? silentLogger;
  const config: ChatServerConfig = {
    qrRefCount: opts.qrRefCount ?? DEFAULT_CHAT_SERVER_CONFIG.qrRefCount,
    firstQrRefTtlMs: opts.firstQrRefTtlMs ?? DEFAULT_CHAT_SERVER_CONFIG.firstQrRefTtlMs,
    nextQrRefTtlMs: opts.nextQrRefTtlMs ?? DEFAULT_CHAT_SERVER_CONFIG.nextQrRefTtlMs,
    callTimeoutMs: opts.callTimeoutMs ?? DEFAULT_CHAT_SERVER_CONFIG.callTimeoutMs,
    companionReplyTimeoutMs:
      opts.companionReplyTimeoutMs ?? DEFAULT_CHAT_SERVER_CONFIG.companionReplyTimeoutMs,
    primaryReadyTimeoutMs:
      opts.primaryReadyTimeoutMs ?? DEFAULT_CHAT_SERVER_CONFIG.primaryReadyTimeoutMs,
  };
  // the phones' primaries are Baileys clients in this process: they must trust the sandbox root
  b.WA_CERT_DETAILS.PUBLIC_KEY = SANDBOX_ROOT_PUBLIC_KEY;
  const chat = new ChatServer(b, config, logger, opts.state);
  const chatHttp = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `upgrade to a WebSocket on ${CHAT_PATH}` }));
  });
  chatHttp.on('upgrade', (req, socket, head) => chat.handleUpgrade(req, socket, head));
  const controlHttp = createServer(createControlApi(chat, logger));
  const mediaHttps = createHttpsServer(
    { key: SANDBOX_MEDIA_KEY, cert: SANDBOX_MEDIA_CERT },
    (req, res) => chat.media.handle(req, res),
  );
  const servers = { chat: chatHttp, control: controlHttp, media: mediaHttps };
  try {
    const port = await listen(chatHttp, opts.port ?? 8900, host);
    const controlPort = await listen(controlHttp, opts.controlPort ?? 8901, host);
    // callers that ask for an ephemeral chat port get an ephemeral media port too
    const mediaPort = await listen(
      mediaHttps,
      opts.mediaPort ?? (opts.port === 0 ? 0 : 8902),
      host,
    );
    const sandbox = new Sandbox(chat, servers, host, port, controlPort, mediaPort);
    // the primaries connect over loopback even when the sandbox listens on every interface
    const loopback = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    chat.media.setHost(`${urlHost(loopback)}:${mediaPort}`);
    chat.attach(`ws://${urlHost(loopback)}:${port}${CHAT_PATH}`);
    return sandbox;
  } catch (err) {
    chat.close();
    await Promise.all(Object.values(servers).map(closeServer));
    throw err;
  }
}

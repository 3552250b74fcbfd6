import { randomBytes } from 'node:crypto';

import type { BinaryNode, ChatModification, WAMessage } from 'baileys';

import { type AppStateCollection, isAppStateCollection } from '../app-state-store';
import {
  type AppStateEvent,
  foldAppStateEvents,
  type PhoneAppStateView,
  type PhoneChatView,
  type PhoneContactView,
  type PhoneLabelView,
  type PhoneMessageFlagsView,
} from '../app-state-view';
import type { ChatConnection } from '../chat-connection';
import { errorMessage, SandboxError } from '../errors';
import type {
  ControlBody,
  FeatureHost,
  FeatureRegistry,
  LoggedInIq,
  SandboxFeature,
} from '../feature';
import { LID_SERVER, lidForNumber, lidJid, parseJid, PN_SERVER, pnJid, SERVER_JID } from '../jid';
import { devicesOf, GROUP_SERVER } from '../messaging';
import type { PhoneClient } from '../phone-client';
import { childNodes, iqError, iqResult, nowSeconds } from '../stanza';
import type { Phone } from '../state';

/** Tries of the automatic key share after a companion logs in (its keys may not be up yet). */
const KEY_SHARE_ATTEMPTS = 20;
/** Pause between two tries of the automatic key share. */
const KEY_SHARE_RETRY_MS = 250;

/** An app-state change the phone made itself, placed after the events it had seen by then. */
interface OwnChange extends AppStateEvent {
  /** The phone's event-log `lastSeq` when the change was applied. */
  afterSeq: number;
}

/** The chat a control request names: a phone number, or a PN, LID or group JID. */
function chatJid(value: unknown): string {
  if (typeof value === 'string') {
    const trimmed = value.trim().replace(/^\+/, '');
    if (/^\d{8,15}$/.test(trimmed)) {
      return pnJid(trimmed);
    }
    const parsed = parseJid(trimmed);
    if (parsed && !parsed.device && [PN_SERVER, LID_SERVER, GROUP_SERVER].includes(parsed.server)) {
      return trimmed;
    }
  }
  throw new SandboxError(400, 'chat must be a phone number or a user, LID or group JID');
}

function requireBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') {
    throw new SandboxError(400, `${name} must be true or false`);
  }
  return value;
}

/** One `<collection>` of a `w:sync:app:state` iq: an upload (with patches) or a fetch. */
interface CollectionRequest {
  name: AppStateCollection;
  /** The version the device has (`version` attribute). */
  version: number;
  /** `SyncdPatch` bytes of an upload; empty for a fetch. */
  patches: Uint8Array[];
}

/**
 * App-state sync (libs/sandbox/README.md, "App state"). The server's side:
 * `<iq xmlns="w:sync:app:state">` uploads and fetches against the account's patches
 * (`host.appState`, app-state-store.ts), `<notification type="server_sync">` to the account's
 * other devices after an upload, and `urn:xmpp:whatsapp:dirty` (answered empty, nothing kept).
 * The phone's side: its app-state key shared with each companion that logs in (or withheld,
 * `POST /phones/:n/appstate/key-share`), app-state changes the phone makes (`POST
 * /phones/:n/appstate`, `/labels`, `/contacts`, `/star`) and what it knows of its app state
 * (`GET /phones/:n/chats`, `/labels`, `/contacts`, `/starred`; app-state-view.ts).
 */
export class AppStateFeature implements SandboxFeature {
  /** Companions with an automatic key share under way, as `<number>:<device id>`. */
  private readonly sharing = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The phones' own app-state changes, by number (not saved with the state). */
  private readonly ownChanges = new Map<string, OwnChange[]>();
  private closed = false;

  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    registry.iq({ xmlns: 'w:sync:app:state' }, (request) => this.answerSync(request));
    // cleanDirtyBits: the sandbox keeps no dirty bits, so there is nothing to clean
    registry.iq({ xmlns: 'urn:xmpp:whatsapp:dirty' }, ({ iq }) => iqResult(iq));
    registry.onLogin((conn) => this.onLogin(conn));
    registry.onShutdown(() => {
      this.closed = true;
      this.timers.forEach((timer) => clearTimeout(timer));
      this.timers.clear();
    });
    const phoneRoute = (
      method: 'GET' | 'POST',
      path: string,
      run: (number: string, body: ControlBody, params: string[]) => unknown,
    ): void =>
      registry.route({
        method,
        pattern: new RegExp(`^/phones/([^/]+)/${path}$`),
        run: ([number, ...params], body) => run(number, body, params),
      });
    phoneRoute('POST', 'appstate/key-share', (number, body) =>
      this.setKeyShare(number, body.enabled),
    );
    phoneRoute('POST', 'appstate/share-key', (number, body) =>
      this.shareKey(number, body.deviceId),
    );
    phoneRoute('POST', 'appstate', (number, body) => this.modifyChat(number, body.chat, body.mod));
    phoneRoute('POST', 'labels', (number, body) => this.editLabel(number, body));
    phoneRoute('POST', 'labels/([^/]+)/chats', (number, body, [labelId]) =>
      this.labelChat(number, labelId, body.chat, body.labeled),
    );
    phoneRoute('POST', 'contacts', (number, body) => this.editContact(number, body));
    phoneRoute('POST', 'star', (number, body) => this.star(number, body));
    phoneRoute('GET', 'chats', (number) => this.chats(number));
    phoneRoute('GET', 'labels', (number) => this.labels(number));
    phoneRoute('GET', 'contacts', (number) => this.contacts(number));
    phoneRoute('GET', 'starred', (number) => this.messageFlags(number));
  }

  // ---- the app-state key ----

  /**
   * A companion logged in: unless it already got the phone's app-state key or the phone
   * withholds it (`POST /phones/:n/appstate/key-share {"enabled": false}`), the phone shares
   * it, retrying while the companion's keys are not on the server yet or the primary is away.
   */
  private onLogin(conn: ChatConnection): void {
    const login = conn.login;
    if (!login || login.device.id === 0) {
      return;
    }
    const { phone, device } = login;
    const key = `${phone.number}:${device.id}`;
    const { appState } = this.host;
    if (
      this.sharing.has(key) ||
      appState.keyShared(phone.number, device.id) ||
      !appState.keyShareEnabled(phone.number)
    ) {
      return;
    }
    this.sharing.add(key);
    const attempt = (left: number): void => {
      const client = this.host.phoneClient(phone.number);
      const stillLinked = phone.devices.get(device.id) === device;
      if (this.closed || !stillLinked || appState.keyShared(phone.number, device.id)) {
        this.sharing.delete(key);
        return;
      }
      const retry = (err: unknown): void => {
        if (left <= 1 || this.closed) {
          this.sharing.delete(key);
          this.host.logger.info(
            { jid: device.jid, err: errorMessage(err) },
            'app-state key not shared',
          );
          return;
        }
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          attempt(left - 1);
        }, KEY_SHARE_RETRY_MS);
        this.timers.add(timer);
      };
      if (!client.isOpen) {
        retry(new Error('the primary is not connected'));
        return;
      }
      client.shareAppStateKey(device.jid).then(() => {
        appState.markKeyShared(phone.number, device.id);
        this.sharing.delete(key);
        this.host.logger.debug({ jid: device.jid }, 'app-state key shared');
      }, retry);
    };
    attempt(KEY_SHARE_ATTEMPTS);
  }

  /**
   * `POST /phones/:n/appstate/key-share {"enabled": bool}`: whether the phone shares its
   * app-state key with companions that log in from now on (default true). Companions that
   * already got it keep it.
   * @throws SandboxError 400 bad flag, 404 unknown phone.
   */
  setKeyShare(number: string, enabled: unknown): { enabled: boolean } {
    const flag = requireBoolean(enabled, 'enabled');
    this.host.requirePhone(number);
    this.host.appState.setKeyShareEnabled(number, flag);
    return { enabled: flag };
  }

  /**
   * `POST /phones/:n/appstate/share-key {"deviceId"?: n}`: the phone sends its app-state key
   * now to one companion, or to every linked companion (a companion that is offline gets it
   * when it logs in).
   * @returns the device ids that were sent the key.
   * @throws SandboxError 400 bad device id, 404 unknown phone or device, 409 primary not
   *   connected or the message could not be encrypted.
   */
  async shareKey(number: string, deviceId?: unknown): Promise<{ sharedWith: number[] }> {
    const phone = this.host.requirePhone(number);
    let targets = [...phone.devices.values()];
    if (deviceId !== undefined) {
      if (typeof deviceId !== 'number' || !Number.isInteger(deviceId) || deviceId < 1) {
        throw new SandboxError(400, 'deviceId must be a companion device id (1 or more)');
      }
      const device = phone.devices.get(deviceId);
      if (!device) {
        throw new SandboxError(404, `phone ${number} has no companion device ${deviceId}`);
      }
      targets = [device];
    }
    const client = await this.host.readyClient(number);
    for (const device of targets) {
      try {
        await client.shareAppStateKey(device.jid);
      } catch (err) {
        throw new SandboxError(
          409,
          `the key could not be sent to ${device.jid}: ${errorMessage(err)}`,
        );
      }
      this.host.appState.markKeyShared(number, device.id);
    }
    return { sharedWith: targets.map((device) => device.id) };
  }

  // ---- the phone as an actor ----

  /**
   * `POST /phones/:n/appstate {"chat", "mod"}`: the phone changes a chat with Baileys'
   * `chatModify` (an app-state patch its other devices receive through `server_sync`). `mod` is
   * one of `{"archive": bool}`, `{"pin": bool}`, `{"mute": ms epoch | -1 | null}`,
   * `{"markRead": bool}`, `{"delete": true}`; `lastMessages` is the phone's newest stored
   * message of the chat, or none.
   * @throws SandboxError 400 bad chat or mod, 404 unknown phone, 409 phone not connected or the
   *   change was refused.
   */
  async modifyChat(number: string, chat: unknown, mod: unknown): Promise<{ chat: string }> {
    const jid = chatJid(chat);
    const change = asModification(mod);
    const client = await this.host.readyClient(number);
    const last = client.lastMessageIn(jid);
    const lastMessages: WAMessage[] = last ? [last] : [];
    let modification: ChatModification;
    let event: AppStateEvent;
    switch (change.kind) {
      case 'archive':
        modification = { archive: change.value, lastMessages };
        event = { type: 'chats.update', data: [{ id: jid, archived: change.value }] };
        break;
      case 'pin':
        modification = { pin: change.value };
        event = {
          type: 'chats.update',
          data: [{ id: jid, pinned: change.value ? Date.now() : null }],
        };
        break;
      case 'mute':
        modification = { mute: change.value };
        event = { type: 'chats.update', data: [{ id: jid, muteEndTime: change.value }] };
        break;
      case 'markRead':
        modification = { markRead: change.value, lastMessages };
        event = { type: 'chats.update', data: [{ id: jid, unreadCount: change.value ? 0 : -1 }] };
        break;
      case 'delete':
        modification = { delete: true, lastMessages };
        event = { type: 'chats.delete', data: [jid] };
        break;
    }
    await this.apply(client, event, (sock) => sock.chatModify(modification, jid));
    return { chat: jid };
  }

  /**
   * `POST /phones/:n/labels {"id", "name", "color", "deleted"?}`: the phone creates, edits or
   * deletes a label (`addLabel`; collection `regular`).
   * @throws SandboxError 400 bad fields, 404 unknown phone, 409 not connected or refused.
   */
  async editLabel(number: string, body: ControlBody): Promise<PhoneLabelView> {
    const { id, name, color, deleted } = body;
    if (typeof id !== 'string' || !/^\d{1,10}$/.test(id)) {
      throw new SandboxError(400, 'id must be a string of 1 to 10 digits');
    }
    if (typeof name !== 'string' || name.length > 100) {
      throw new SandboxError(400, 'name must be a string of at most 100 characters');
    }
    if (typeof color !== 'number' || !Number.isInteger(color) || color < 0 || color > 19) {
      throw new SandboxError(400, 'color must be an integer from 0 to 19');
    }
    const isDeleted = deleted === undefined ? false : requireBoolean(deleted, 'deleted');
    const label: PhoneLabelView = { id, name, color, deleted: isDeleted };
    const client = await this.host.readyClient(number);
    await this.apply(client, { type: 'labels.edit', data: label }, (sock) =>
      sock.addLabel('', { id, name, color, deleted: isDeleted }),
    );
    return label;
  }

  /**
   * `POST /phones/:n/labels/:id/chats {"chat", "labeled": bool}`: the phone puts the label on a
   * chat or takes it off (`addChatLabel` / `removeChatLabel`).
   * @throws SandboxError 400 bad chat or flag, 404 unknown phone, 409 not connected or refused.
   */
  async labelChat(
    number: string,
    labelId: string,
    chat: unknown,
    labeled: unknown,
  ): Promise<{ chat: string; labelId: string; labeled: boolean }> {
    const jid = chatJid(chat);
    const flag = requireBoolean(labeled, 'labeled');
    if (!/^\d{1,10}$/.test(labelId)) {
      throw new SandboxError(400, 'the label id must be 1 to 10 digits');
    }
    const client = await this.host.readyClient(number);
    const event: AppStateEvent = {
      type: 'labels.association',
      data: {
        type: flag ? 'add' : 'remove',
        association: { type: 'label_jid', chatId: jid, labelId },
      },
    };
    await this.apply(client, event, (sock) =>
      flag ? sock.addChatLabel(jid, labelId) : sock.removeChatLabel(jid, labelId),
    );
    return { chat: jid, labelId, labeled: flag };
  }

  /**
   * `POST /phones/:n/contacts {"number", "fullName", "firstName"?}`: the phone saves a contact
   * in its address book (`addOrEditContact`, with the contact's LID; collection
   * `critical_unblock_low`).
   * @throws SandboxError 400 bad fields, 404 unknown phone, 409 not connected or refused.
   */
  async editContact(number: string, body: ControlBody): Promise<PhoneContactView> {
    const { number: contactNumber, fullName, firstName } = body;
    const digits = typeof contactNumber === 'string' ? contactNumber.replace(/^\+/, '') : '';
    if (!/^\d{8,15}$/.test(digits)) {
      throw new SandboxError(400, 'number must be a string of 8 to 15 digits');
    }
    if (typeof fullName !== 'string' || !fullName || fullName.length > 100) {
      throw new SandboxError(400, 'fullName must be a non-empty string of at most 100 characters');
    }
    if (firstName !== undefined && (typeof firstName !== 'string' || firstName.length > 100)) {
      throw new SandboxError(400, 'firstName must be a string of at most 100 characters');
    }
    const jid = pnJid(digits);
    const lid = lidJid(this.host.phoneByNumber(digits)?.lid ?? lidForNumber(digits));
    const client = await this.host.readyClient(number);
    const contact: PhoneContactView = { jid, name: fullName, lid, phoneNumber: jid };
    await this.apply(
      client,
      { type: 'contacts.upsert', data: [{ id: jid, name: fullName, lid, phoneNumber: jid }] },
      (sock) =>
        sock.addOrEditContact(jid, {
          fullName,
          ...(typeof firstName === 'string' ? { firstName } : {}),
          lidJid: lid,
          saveOnPrimaryAddressbook: true,
        }),
    );
    return contact;
  }

  /**
   * `POST /phones/:n/star {"chat", "messageId", "fromMe", "star"}`: the phone stars or unstars
   * a message (`star`; collection `regular_low`).
   * @throws SandboxError 400 bad fields, 404 unknown phone, 409 not connected or refused.
   */
  async star(
    number: string,
    body: ControlBody,
  ): Promise<{ chat: string; messageId: string; starred: boolean }> {
    const jid = chatJid(body.chat);
    const { messageId } = body;
    if (typeof messageId !== 'string' || !messageId || messageId.length > 128) {
      throw new SandboxError(400, 'messageId must be a non-empty string');
    }
    const fromMe = requireBoolean(body.fromMe, 'fromMe');
    const starred = requireBoolean(body.star, 'star');
    const client = await this.host.readyClient(number);
    const event: AppStateEvent = {
      type: 'messages.update',
      data: [{ key: { remoteJid: jid, id: messageId, fromMe }, update: { starred } }],
    };
    await this.apply(client, event, (sock) => sock.star(jid, [{ id: messageId, fromMe }], starred));
    return { chat: jid, messageId, starred };
  }

  /**
   * Runs one app-state change on the phone's socket and records it as the phone's own (its
   * primary runs with `emitOwnEvents: false`, so Baileys does not echo it).
   */
  private async apply(
    client: PhoneClient,
    event: AppStateEvent,
    change: (sock: ReturnType<PhoneClient['socket']>) => Promise<void>,
  ): Promise<void> {
    let sock: ReturnType<PhoneClient['socket']>;
    try {
      sock = client.socket();
    } catch (err) {
      throw new SandboxError(409, errorMessage(err));
    }
    try {
      await change(sock);
    } catch (err) {
      throw new SandboxError(409, `the phone could not make the change: ${errorMessage(err)}`);
    }
    const list = this.ownChanges.get(client.number) ?? [];
    list.push({ ...event, afterSeq: client.events.lastSeq });
    this.ownChanges.set(client.number, list);
  }

  // ---- what the phone knows ----

  /** The phone's app state: its recorded events and own changes, folded in order. */
  view(number: string): PhoneAppStateView {
    const client = this.host.phoneClient(number);
    const own = this.ownChanges.get(number) ?? [];
    const ordered: AppStateEvent[] = [];
    let next = 0;
    for (const event of client.events.list()) {
      while (next < own.length && own[next].afterSeq < event.seq) {
        ordered.push(own[next++]);
      }
      ordered.push(event);
    }
    ordered.push(...own.slice(next));
    return foldAppStateEvents(ordered);
  }

  /** `GET /phones/:n/chats`. @throws SandboxError 404 unknown phone. */
  chats(number: string): PhoneChatView[] {
    return this.view(number).chats;
  }

  /** `GET /phones/:n/labels`. @throws SandboxError 404 unknown phone. */
  labels(number: string): PhoneLabelView[] {
    return this.view(number).labels;
  }

  /** `GET /phones/:n/contacts`. @throws SandboxError 404 unknown phone. */
  contacts(number: string): PhoneContactView[] {
    return this.view(number).contacts;
  }

  /** `GET /phones/:n/starred`: starred and deleted-for-me messages. @throws SandboxError 404. */
  messageFlags(number: string): PhoneMessageFlagsView {
    return this.view(number).messages;
  }

  // ---- the server's side ----

  /**
   * Answers `<iq xmlns="w:sync:app:state"><sync><collection name version>[<patch>…]</collection>…`.
   * A collection with `<patch>` children is an upload: its `version` must be the stored one,
   * else the whole iq gets `<error code="409" text="conflict"/>` and nothing is stored (Baileys'
   * `query` throws on it); each patch is stored as the next version, the answer names the new
   * version and the account's other devices get a `server_sync`. A collection without patches
   * is a fetch: the patches above its version, at most `APP_STATE_PAGE_SIZE`, with
   * `has_more_patches="true"` when more follow; never a snapshot. A malformed request (no
   * `<sync>`, unknown collection name, bad version, undecodable patch) gets a 400 error.
   */
  private answerSync({ iq, first, phone, device }: LoggedInIq): BinaryNode {
    const requests = this.parseSync(first);
    if (!requests) {
      return iqError(iq, 400, 'bad-request');
    }
    const { appState } = this.host;
    for (const request of requests) {
      if (
        request.patches.length &&
        request.version !== appState.version(phone.number, request.name)
      ) {
        return iqError(iq, 409, 'conflict');
      }
    }
    const answers: BinaryNode[] = [];
    const uploaded: { name: AppStateCollection; version: number }[] = [];
    for (const request of requests) {
      if (request.patches.length) {
        let version = request.version;
        try {
          for (const patch of request.patches) {
            version = appState.append(phone.number, request.name, patch);
          }
        } catch {
          return iqError(iq, 400, 'bad-request');
        }
        uploaded.push({ name: request.name, version });
        answers.push({
          tag: 'collection',
          attrs: { name: request.name, version: String(version) },
        });
        continue;
      }
      const page = appState.page(phone.number, request.name, request.version);
      const attrs: Record<string, string> = { name: request.name, version: String(page.version) };
      if (page.hasMore) {
        attrs.has_more_patches = 'true';
      }
      answers.push(
        page.patches.length
          ? {
              tag: 'collection',
              attrs,
              content: [
                {
                  tag: 'patches',
                  attrs: {},
                  content: page.patches.map((patch) => ({
                    tag: 'patch',
                    attrs: {},
                    content: patch,
                  })),
                },
              ],
            }
          : { tag: 'collection', attrs },
      );
    }
    for (const { name, version } of uploaded) {
      this.notifyOtherDevices(phone, device.id, name, version);
    }
    return iqResult(iq, [{ tag: 'sync', attrs: {}, content: answers }]);
  }

  /** The collections of a `<sync>` node, or undefined when it is malformed. */
  private parseSync(sync: BinaryNode | undefined): CollectionRequest[] | undefined {
    if (sync?.tag !== 'sync') {
      return undefined;
    }
    const collections = childNodes(sync).filter((node) => node.tag === 'collection');
    if (!collections.length) {
      return undefined;
    }
    const requests: CollectionRequest[] = [];
    for (const node of collections) {
      const { name } = node.attrs;
      const version = Number(node.attrs.version ?? '0');
      if (!isAppStateCollection(name) || !Number.isSafeInteger(version) || version < 0) {
        return undefined;
      }
      const patchNodes = [
        ...childNodes(node).filter((child) => child.tag === 'patch'),
        ...childNodes(childNodes(node).find((child) => child.tag === 'patches')).filter(
          (child) => child.tag === 'patch',
        ),
      ];
      const patches: Uint8Array[] = [];
      for (const patch of patchNodes) {
        if (!(patch.content instanceof Uint8Array)) {
          return undefined;
        }
        patches.push(patch.content);
      }
      requests.push({ name, version, patches });
    }
    return requests;
  }

  /**
   * `<notification type="server_sync"><collection name version/></notification>` to every
   * device of the account but the uploader (the primary included); offline devices get it
   * when they log in (the router queues it). Baileys answers it with a fetch.
   */
  private notifyOtherDevices(
    phone: Phone,
    uploaderId: number,
    name: AppStateCollection,
    version: number,
  ): void {
    for (const target of devicesOf(phone)) {
      if (target.id === uploaderId) {
        continue;
      }
      this.host.router.deliver(phone, target.id, {
        tag: 'notification',
        attrs: {
          from: SERVER_JID,
          type: 'server_sync',
          id: randomBytes(8).toString('hex').toUpperCase(),
          t: nowSeconds(),
        },
        content: [{ tag: 'collection', attrs: { name, version: String(version) } }],
      });
    }
  }
}

/** A validated `mod` of `POST /phones/:n/appstate`. */
type ChatChange =
  | { kind: 'archive' | 'pin' | 'markRead'; value: boolean }
  | { kind: 'mute'; value: number | null }
  | { kind: 'delete' };

/** @throws SandboxError 400 unless `mod` is exactly one supported change. */
function asModification(mod: unknown): ChatChange {
  const entries = typeof mod === 'object' && mod !== null ? Object.entries(mod) : [];
  if (entries.length !== 1) {
    throw new SandboxError(
      400,
      'mod must be one of {"archive": bool}, {"pin": bool}, {"mute": ms|-1|null}, {"markRead": bool}, {"delete": true}',
    );
  }
  const [[kind, value]] = entries;
  switch (kind) {
    case 'archive':
    case 'pin':
    case 'markRead':
      return { kind, value: requireBoolean(value, kind) };
    case 'mute':
      if (
        value === null ||
        value === -1 ||
        (Number.isSafeInteger(value) && (value as number) > 0)
      ) {
        return { kind, value: value as number | null };
      }
      throw new SandboxError(400, 'mute must be an end time in ms since the epoch, -1 or null');
    case 'delete':
      if (value !== true) {
        throw new SandboxError(400, 'delete must be true');
      }
      return { kind };
    default:
      throw new SandboxError(400, `unknown mod ${kind}`);
  }
}

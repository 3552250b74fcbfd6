import type { BinaryNode } from 'baileys';

import { blocks, phoneOfJid, privacySetting } from '../account-settings';
import type { ChatConnection } from '../chat-connection';
import { errorMessage, SandboxError } from '../errors';
import type { ControlBody, FeatureHost, FeatureRegistry, SandboxFeature } from '../feature';
import { LID_SERVER, lidJid, parseJid, pnJid } from '../jid';
import { devicesOf, GROUP_SERVER } from '../messaging';
import { resolveRecipient } from '../outgoing';
import { childNodes } from '../stanza';
import type { Phone } from '../state';

/** What the server knows of an account's presence. */
interface AccountPresence {
  /** Devices (ids) whose last `<presence>` was `available` and that are still connected. */
  available: Set<number>;
  /** When the account last went from available to unavailable (seconds since the epoch). */
  lastSeen?: number;
}

/** `GET /phones/:number/presence`. */
export interface PresenceView {
  number: string;
  available: boolean;
  /** ISO-8601; null while the account was never seen going offline. */
  lastSeen: string | null;
}

/** The chat states a device may send (`<chatstate><composing [media="audio"]/>|<paused/>`). */
const CHAT_STATES = new Set(['composing', 'paused']);

/** Presence types a phone's primary can send through `POST /phones/:number/presence`. */
const PHONE_PRESENCES = ['available', 'unavailable', 'composing', 'recording', 'paused'] as const;
type PhonePresence = (typeof PHONE_PRESENCES)[number];

/**
 * Presence and chat states, as WhatsApp's server relays them (round2-protocol §3.3 "presence";
 * Baileys rc14 Socket/chats.js `sendPresenceUpdate`, `presenceSubscribe`, `handlePresenceUpdate`):
 *
 * - `<chatstate to><composing [media="audio"]/>|<paused/></chatstate>` from a device goes to every
 *   connected device of the recipient as `<chatstate from=<sender user JID>>` (the sender's LID
 *   when it addressed a LID), or, for a group, to every other member's devices as
 *   `<chatstate from=<group> participant=<sender PN>>`. Chat states are not queued for offline
 *   devices (they are worth nothing later).
 * - `<presence type="available|unavailable">` is remembered per account: it is available while
 *   one of its connected devices said `available`; going unavailable (or the last such device
 *   disconnecting) sets its last seen.
 * - `<presence type="subscribe" to>` answers the subscribing connection with the target's
 *   current `<presence from type [last]>` and sends it every later change until it disconnects.
 *   The target's privacy decides what is shown: `last` `none` hides the last seen (`last="deny"`),
 *   `online` `match_last_seen` then hides being online too; the sandbox has no address book, so
 *   `contacts` and `contact_blacklist` show to everyone.
 * - Blocklist (features/blocklist.ts): nothing from a blocked contact reaches the blocker, and a
 *   contact the target blocked sees it as offline with `last="deny"`.
 *
 * Control: `GET /phones/:n/presence`; `POST /phones/:n/presence {type, to?}` (the phone's
 * primary sends a presence or, with `to`, a chat state) and `POST /phones/:n/presence/subscribe
 * {to}`, both over the wire through Baileys.
 */
export class PresenceFeature implements SandboxFeature {
  private readonly presence = new Map<string, AccountPresence>();
  /** Subscriptions by target number: the subscribing connection and the JID it addressed. */
  private readonly subscribers = new Map<string, Map<ChatConnection, string>>();

  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    registry.stanza('presence', (conn, node) => this.onPresence(conn, node));
    registry.stanza('chatstate', (conn, node) => this.onChatstate(conn, node));
    registry.onDisconnect((conn) => this.onGone(conn));
    registry.route({
      method: 'GET',
      pattern: /^\/phones\/([^/]+)\/presence$/,
      run: ([number]) => this.view(number),
    });
    registry.route({
      // body: { type: available|unavailable|composing|recording|paused, to? }
      method: 'POST',
      pattern: /^\/phones\/([^/]+)\/presence$/,
      run: ([number], body) => this.sendFromPhone(number, body),
    });
    registry.route({
      // body: { to }
      method: 'POST',
      pattern: /^\/phones\/([^/]+)\/presence\/subscribe$/,
      run: ([number], body) => this.subscribeFromPhone(number, body),
    });
  }

  /** What the server knows of a phone's presence. @throws SandboxError 404 unknown phone. */
  view(number: string): PresenceView {
    const phone = this.host.requirePhone(number);
    const state = this.presence.get(phone.number);
    return {
      number: phone.number,
      available: !!state?.available.size,
      lastSeen: state?.lastSeen ? new Date(state.lastSeen * 1000).toISOString() : null,
    };
  }

  /**
   * The phone's primary sends a presence (`available`/`unavailable`, no `to`) or a chat state
   * (`composing`/`recording`/`paused` to `to`, a number or a PN, LID or group JID) with Baileys'
   * `sendPresenceUpdate`.
   * @throws SandboxError 400 bad body, 404 unknown phone, 409 primary not connected.
   */
  async sendFromPhone(
    number: string,
    body: ControlBody,
  ): Promise<{ type: string; to: string | null }> {
    const type = body.type as PhonePresence;
    if (!PHONE_PRESENCES.includes(type)) {
      throw new SandboxError(400, `type must be one of ${PHONE_PRESENCES.join(', ')}`);
    }
    const chatState = type !== 'available' && type !== 'unavailable';
    if (chatState !== (body.to !== undefined)) {
      throw new SandboxError(400, 'to is required for a chat state and refused for a presence');
    }
    if (chatState && (typeof body.to !== 'string' || !body.to)) {
      throw new SandboxError(400, 'to must be a phone number or a JID');
    }
    const to = chatState ? resolveRecipient(body.to) : undefined;
    const client = await this.host.readyClient(number);
    try {
      await client.socket().sendPresenceUpdate(type, to);
    } catch (err) {
      throw new SandboxError(409, `the phone could not send its presence: ${errorMessage(err)}`);
    }
    return { type, to: to ?? null };
  }

  /**
   * The phone's primary subscribes to the presence of `to` (a number or a PN or LID JID) with
   * Baileys' `presenceSubscribe`; its `presence.update` events show the answers.
   * @throws SandboxError 400 bad body, 404 unknown phone, 409 primary not connected.
   */
  async subscribeFromPhone(number: string, body: ControlBody): Promise<{ to: string }> {
    if (typeof body.to !== 'string' || !body.to) {
      throw new SandboxError(400, 'to must be a phone number or a JID');
    }
    const to = resolveRecipient(body.to);
    const client = await this.host.readyClient(number);
    try {
      await client.socket().presenceSubscribe(to);
    } catch (err) {
      throw new SandboxError(409, `the phone could not subscribe: ${errorMessage(err)}`);
    }
    return { to };
  }

  private onPresence(conn: ChatConnection, node: BinaryNode): void {
    const login = conn.login;
    if (!login) {
      return;
    }
    const type = node.attrs.type ?? 'available';
    if (type === 'subscribe' || type === 'unsubscribe') {
      const target = node.attrs.to ? phoneOfJid(this.host, node.attrs.to) : undefined;
      if (!target || target === login.phone) {
        return;
      }
      if (type === 'unsubscribe') {
        this.subscribers.get(target.number)?.delete(conn);
        return;
      }
      const parsed = parseJid(node.attrs.to);
      const addressed = parsed?.server === LID_SERVER ? lidJid(target.lid) : target.jid;
      const subs = this.subscribers.get(target.number) ?? new Map<ChatConnection, string>();
      subs.set(conn, addressed);
      this.subscribers.set(target.number, subs);
      const answer = this.presenceNode(target, login.phone, addressed);
      if (answer) {
        conn.send(answer);
      }
      return;
    }
    if (type !== 'available' && type !== 'unavailable') {
      return;
    }
    this.setDevice(login.phone, login.device.id, type === 'available');
  }

  /** A device became available or not; subscribers hear when the account's state changes. */
  private setDevice(phone: Phone, deviceId: number, available: boolean): void {
    const state = this.presence.get(phone.number) ?? { available: new Set<number>() };
    this.presence.set(phone.number, state);
    const wasAvailable = state.available.size > 0;
    if (available) {
      state.available.add(deviceId);
    } else {
      state.available.delete(deviceId);
    }
    const isAvailable = state.available.size > 0;
    if (wasAvailable && !isAvailable) {
      state.lastSeen = Math.floor(Date.now() / 1000);
    }
    if (wasAvailable !== isAvailable) {
      this.broadcast(phone);
    }
  }

  /** Sends the account's presence to every connection subscribed to it. */
  private broadcast(target: Phone): void {
    for (const [conn, addressed] of this.subscribers.get(target.number) ?? []) {
      const viewer = conn.login?.phone;
      const node = viewer && conn.isOpen ? this.presenceNode(target, viewer, addressed) : undefined;
      if (node) {
        conn.send(node);
      }
    }
  }

  /**
   * `<presence from type [last]>` of `target` as `viewer` may see it (privacy and blocklist,
   * see the class comment); undefined when `viewer` blocked `target` (nothing reaches it).
   */
  private presenceNode(target: Phone, viewer: Phone, addressed: string): BinaryNode | undefined {
    if (blocks(viewer, target)) {
      return undefined;
    }
    const state = this.presence.get(target.number);
    const blockedByTarget = blocks(target, viewer);
    const lastVisible = !blockedByTarget && privacySetting(target, 'last') !== 'none';
    const onlineVisible =
      !blockedByTarget && (privacySetting(target, 'online') === 'all' || lastVisible);
    const attrs: Record<string, string> = { from: addressed };
    if (state?.available.size && onlineVisible) {
      attrs.type = 'available';
    } else {
      attrs.type = 'unavailable';
      if (!lastVisible) {
        attrs.last = 'deny';
      } else if (state?.lastSeen && !state.available.size) {
        attrs.last = String(state.lastSeen);
      }
    }
    return { tag: 'presence', attrs };
  }

  private onChatstate(conn: ChatConnection, node: BinaryNode): void {
    const login = conn.login;
    const to = node.attrs.to;
    const state = childNodes(node)[0];
    if (!login || !to || !state || !CHAT_STATES.has(state.tag)) {
      return;
    }
    const sender = login.phone;
    const content: BinaryNode[] = [
      { tag: state.tag, attrs: state.attrs.media === 'audio' ? { media: 'audio' } : {} },
    ];
    if (parseJid(to)?.server === GROUP_SERVER) {
      const group = this.host.router.group(to);
      if (!group?.participants.has(sender.number)) {
        return;
      }
      for (const { phone } of group.participants.values()) {
        if (phone !== sender && !blocks(phone, sender)) {
          this.sendToDevices(phone, {
            tag: 'chatstate',
            attrs: { from: group.jid, participant: pnJid(sender.number) },
            content,
          });
        }
      }
      return;
    }
    const peer = phoneOfJid(this.host, to);
    if (!peer || peer === sender || blocks(peer, sender)) {
      return;
    }
    const from = parseJid(to)?.server === LID_SERVER ? lidJid(sender.lid) : sender.jid;
    this.sendToDevices(peer, { tag: 'chatstate', attrs: { from }, content });
  }

  /** Sends `node` to every connected device of `phone` (never queued). */
  private sendToDevices(phone: Phone, node: BinaryNode): void {
    for (const device of devicesOf(phone)) {
      this.host.connectionOf(phone, device.id)?.send(node);
    }
  }

  private onGone(conn: ChatConnection): void {
    for (const subs of this.subscribers.values()) {
      subs.delete(conn);
    }
    const login = conn.login;
    // a replaced connection of the same device is not the device going away
    if (login && !this.host.connectionOf(login.phone, login.device.id)) {
      this.setDevice(login.phone, login.device.id, false);
    }
  }
}

import { randomInt } from 'node:crypto';

import type { BinaryNode } from 'baileys';

import { blocks } from './account-settings';
import type { ChatConnection } from './chat-connection';
import { deviceOf, type PhoneDirectory } from './directory';
import { SandboxError } from './errors';
import { LID_SERVER, lidJid, numberFromJidOrNumber, parseJid, PN_SERVER, pnJid } from './jid';
import type { SandboxLogger } from './logger';
import type { RelayedRecord, RouterSnapshot } from './persistence';
import { childNodes, iqError, iqResult, nowSeconds } from './stanza';
import type { Device, Group, Phone, ReceiptStatus } from './state';

/** Server part of group JIDs. */
export const GROUP_SERVER = 'g.us';
/** The status (stories) pseudo-chat. */
export const STATUS_JID = 'status@broadcast';
/** Relayed messages remembered for routing receipts (oldest are forgotten first). */
const MAX_REMEMBERED_MESSAGES = 50_000;

/** What the router needs from the chat server. */
export interface RouterHost extends PhoneDirectory {
  /** The open, logged-in connection of a device, if any. */
  connectionOf(phone: Phone, deviceId: number): ChatConnection | undefined;
}

/** A message the server relayed, remembered to route its receipts back (persistence.ts). */
type RelayedMessage = RelayedRecord;

/** Public view of a group (`POST /groups`). */
export interface GroupView {
  jid: string;
  subject: string;
  owner: string;
  participants: { jid: string; admin: 'superadmin' | 'admin' | null }[];
}

/** A receipt as `GET /phones/:number/messages` lists it (time is ISO-8601). */
export interface ReceiptView {
  messageId: string;
  chat: string;
  status: ReceiptStatus;
  from: string;
  at: string;
}

function child(node: BinaryNode | undefined, tag: string): BinaryNode | undefined {
  return childNodes(node).find((item) => item.tag === tag);
}

function receiptStatus(type: string | undefined): ReceiptStatus | undefined {
  if (type === undefined || type === 'inactive') {
    return 'delivered';
  }
  if (type === 'read' || type === 'played') {
    return type;
  }
  return undefined;
}

/** Every registered device of a phone: the primary first, then its companions. */
export function devicesOf(phone: Phone): Device[] {
  return [phone.primary, ...phone.devices.values()];
}

/**
 * Routes end-to-end encrypted traffic between devices as WhatsApp's server does, without ever
 * decrypting it: `<message>` stanzas are split per addressed device (`<participants><to>`),
 * group messages carry the sender-key ciphertext (`skmsg`) to every member device, devices that
 * are not connected get their stanzas queued until they log in again (then `offline` marks
 * them), and `<receipt>`s travel back to every device of the sender. Direct messages and
 * receipts from a contact the recipient blocked are not delivered to it (features/blocklist.ts;
 * group messages are, as on WhatsApp). It also keeps the groups and answers `w:g2` queries.
 */
export class MessageRouter {
  /** Stanzas waiting for devices that are not connected, by `<number>:<device>`. */
  private readonly queues = new Map<string, BinaryNode[]>();
  /** Relayed messages by `<sender number>|<message id>`. */
  private readonly relayed = new Map<string, RelayedMessage>();
  /** Order in which relayed message keys were remembered (to forget the oldest). */
  private readonly relayedOrder: string[] = [];
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly host: RouterHost,
    private readonly logger: SandboxLogger,
  ) {}

  /** The queues, relayed messages (oldest first) and groups, for persistence.ts. */
  snapshot(): RouterSnapshot {
    return {
      queues: this.queues,
      relayed: this.relayedOrder.flatMap((key): [string, RelayedMessage][] => {
        const record = this.relayed.get(key);
        return record ? [[key, record]] : [];
      }),
      groups: [...this.groups.values()],
    };
  }

  /** Replaces the router's memory with a restored {@link snapshot} (before any connection). */
  load(snapshot: RouterSnapshot): void {
    this.queues.clear();
    for (const [key, stanzas] of snapshot.queues) {
      this.queues.set(key, stanzas);
    }
    this.relayed.clear();
    this.relayedOrder.length = 0;
    for (const [key, record] of snapshot.relayed) {
      this.remember(key, record);
    }
    this.groups.clear();
    for (const group of snapshot.groups) {
      this.groups.set(group.jid, group);
    }
  }

  /** Sends `node` to a device now, or queues it until the device logs in. */
  deliver(phone: Phone, deviceId: number, node: BinaryNode): void {
    const conn = this.host.connectionOf(phone, deviceId);
    if (conn) {
      conn.send(node);
      return;
    }
    const key = `${phone.number}:${deviceId}`;
    const queue = this.queues.get(key) ?? [];
    queue.push(node);
    this.queues.set(key, queue);
  }

  /** Sends a device everything queued for it (marked `offline`); returns how many stanzas. */
  flushOffline(conn: ChatConnection, phone: Phone, deviceId: number): number {
    const key = `${phone.number}:${deviceId}`;
    const queue = this.queues.get(key) ?? [];
    this.queues.delete(key);
    for (const node of queue) {
      conn.send({ ...node, attrs: { ...node.attrs, offline: '1' } });
    }
    return queue.length;
  }

  /** Drops what is queued for a device that no longer exists (unlinked). */
  forgetDevice(phone: Phone, deviceId: number): void {
    this.queues.delete(`${phone.number}:${deviceId}`);
  }

  /** Stanzas queued for a device (for `GET /phones`). */
  queuedFor(phone: Phone, deviceId: number): number {
    return this.queues.get(`${phone.number}:${deviceId}`)?.length ?? 0;
  }

  // ---- messages ----

  /** A logged-in device sent a `<message>`: ack it and fan it out. */
  onMessage(conn: ChatConnection, node: BinaryNode): void {
    const login = conn.login;
    const id = node.attrs.id;
    const to = node.attrs.to;
    if (!login || !id || !to) {
      return;
    }
    const ack: BinaryNode = {
      tag: 'ack',
      attrs: { class: 'message', id, from: to, t: nowSeconds() },
    };
    if (to === STATUS_JID) {
      conn.send(ack);
      this.routeStatus(login.phone, login.device, node);
      return;
    }
    const target = parseJid(to);
    if (target?.server === GROUP_SERVER) {
      const group = this.groups.get(to);
      if (!group || !group.participants.has(login.phone.number)) {
        conn.send({ ...ack, attrs: { ...ack.attrs, error: '404' } });
        return;
      }
      conn.send(ack);
      this.routeGroup(login.phone, login.device, node, group);
      return;
    }
    conn.send(ack);
    this.routeDirect(login.phone, login.device, node);
  }

  private phoneOf(jid: string): Phone | undefined {
    const parsed = parseJid(jid);
    if (parsed?.server === PN_SERVER) {
      return this.host.phoneByNumber(parsed.user);
    }
    if (parsed?.server === LID_SERVER) {
      return this.host.phoneByLid(parsed.user);
    }
    return undefined;
  }

  private routeDirect(sender: Phone, senderDevice: Device, node: BinaryNode): void {
    const to = node.attrs.to;
    const peer = this.phoneOf(to);
    const lidAddressed = parseJid(to)?.server === LID_SERVER;
    const from = lidAddressed
      ? lidJid(sender.lid, senderDevice.id)
      : pnJid(sender.number, senderDevice.id);
    const deviceIdentity = child(node, 'device-identity');
    const baseAttrs: Record<string, string> = {
      from,
      id: node.attrs.id,
      t: nowSeconds(),
      type: node.attrs.type ?? 'text',
      notify: sender.name,
    };
    for (const name of ['edit', 'category', 'push_priority']) {
      if (node.attrs[name]) {
        baseAttrs[name] = node.attrs[name];
      }
    }
    if (lidAddressed) {
      baseAttrs.sender_pn = sender.jid;
    } else {
      baseAttrs.sender_lid = lidJid(sender.lid);
    }
    const stanzaFor = (targetPhone: Phone, encs: BinaryNode[]): BinaryNode => {
      const attrs = { ...baseAttrs };
      if (targetPhone === sender && node.attrs.category !== 'peer') {
        attrs.recipient = to;
      }
      const content = [...encs];
      if (deviceIdentity && encs.some((enc) => enc.attrs.type === 'pkmsg')) {
        content.push(deviceIdentity);
      }
      return { tag: 'message', attrs, content };
    };
    // a contact the peer blocked reaches none of its devices (features/blocklist.ts); the
    // sender's own devices still get their copies
    const blocked = !!peer && peer !== sender && blocks(peer, sender);
    const participants = child(node, 'participants');
    if (participants) {
      for (const toNode of childNodes(participants)) {
        const device = toNode.attrs.jid ? deviceOf(this.host, toNode.attrs.jid) : undefined;
        const targetPhone = toNode.attrs.jid ? this.phoneOf(toNode.attrs.jid) : undefined;
        const encs = childNodes(toNode).filter((item) => item.tag === 'enc');
        if (!device || !targetPhone || !encs.length || (blocked && targetPhone === peer)) {
          continue;
        }
        this.deliver(targetPhone, device.id, stanzaFor(targetPhone, encs));
      }
    } else {
      // a retry resend or a peer message: one <enc> for the device named in `to`
      const encs = childNodes(node).filter((item) => item.tag === 'enc');
      const device = deviceOf(this.host, to);
      if (peer && device && encs.length && !blocked) {
        this.deliver(peer, device.id, stanzaFor(peer, encs));
      }
    }
    if (peer && peer !== sender) {
      this.remember(`${sender.number}|${node.attrs.id}`, {
        sender,
        chat: peer.jid,
        lidAddressed,
        receipts: new Set(),
      });
    }
  }

  private routeGroup(sender: Phone, senderDevice: Device, node: BinaryNode, group: Group): void {
    const participantJid = pnJid(sender.number, senderDevice.id);
    const skmsg = childNodes(node).find(
      (item) => item.tag === 'enc' && item.attrs.type === 'skmsg',
    );
    const deviceIdentity = child(node, 'device-identity');
    const perDevice = new Map<string, BinaryNode[]>();
    for (const toNode of childNodes(child(node, 'participants'))) {
      const phone = toNode.attrs.jid ? this.phoneOf(toNode.attrs.jid) : undefined;
      const device = toNode.attrs.jid ? deviceOf(this.host, toNode.attrs.jid) : undefined;
      if (phone && device) {
        perDevice.set(
          `${phone.number}:${device.id}`,
          childNodes(toNode).filter((item) => item.tag === 'enc'),
        );
      }
    }
    const attrs: Record<string, string> = {
      from: group.jid,
      participant: participantJid,
      participant_lid: lidJid(sender.lid),
      addressing_mode: 'pn',
      id: node.attrs.id,
      t: nowSeconds(),
      type: node.attrs.type ?? 'text',
      notify: sender.name,
    };
    if (node.attrs.edit) {
      attrs.edit = node.attrs.edit;
    }
    for (const { phone } of group.participants.values()) {
      for (const device of devicesOf(phone)) {
        if (phone === sender && device.id === senderDevice.id) {
          continue;
        }
        const encs = [...(perDevice.get(`${phone.number}:${device.id}`) ?? [])];
        if (skmsg) {
          encs.push(skmsg);
        }
        if (!encs.length) {
          continue;
        }
        const content = [...encs];
        if (deviceIdentity && encs.some((enc) => enc.attrs.type === 'pkmsg')) {
          content.push(deviceIdentity);
        }
        this.deliver(phone, device.id, { tag: 'message', attrs: { ...attrs }, content });
      }
    }
    this.remember(`${sender.number}|${node.attrs.id}`, {
      sender,
      chat: group.jid,
      lidAddressed: false,
      group,
      receipts: new Set(),
    });
  }

  /**
   * A status post (`to="status@broadcast"`): like a group message whose members are the devices
   * the sender addressed in `<participants>` (its `statusJidList`, each with the sender key
   * distribution), every one of them also getting the `skmsg`. Recipients see it from
   * `status@broadcast` with the sender as `participant`.
   */
  private routeStatus(sender: Phone, senderDevice: Device, node: BinaryNode): void {
    const skmsg = childNodes(node).find(
      (item) => item.tag === 'enc' && item.attrs.type === 'skmsg',
    );
    const deviceIdentity = child(node, 'device-identity');
    const attrs: Record<string, string> = {
      from: STATUS_JID,
      participant: pnJid(sender.number, senderDevice.id),
      participant_lid: lidJid(sender.lid),
      addressing_mode: 'pn',
      id: node.attrs.id,
      t: nowSeconds(),
      type: node.attrs.type ?? 'text',
      notify: sender.name,
    };
    for (const toNode of childNodes(child(node, 'participants'))) {
      const phone = toNode.attrs.jid ? this.phoneOf(toNode.attrs.jid) : undefined;
      const device = toNode.attrs.jid ? deviceOf(this.host, toNode.attrs.jid) : undefined;
      if (!phone || !device || (phone === sender && device.id === senderDevice.id)) {
        continue;
      }
      const encs = childNodes(toNode).filter((item) => item.tag === 'enc');
      if (skmsg) {
        encs.push(skmsg);
      }
      if (!encs.length) {
        continue;
      }
      const content = [...encs];
      if (deviceIdentity && encs.some((enc) => enc.attrs.type === 'pkmsg')) {
        content.push(deviceIdentity);
      }
      this.deliver(phone, device.id, { tag: 'message', attrs: { ...attrs }, content });
    }
  }

  private remember(key: string, record: RelayedMessage): void {
    if (!this.relayed.has(key)) {
      this.relayedOrder.push(key);
    }
    this.relayed.set(key, record);
    while (this.relayedOrder.length > MAX_REMEMBERED_MESSAGES) {
      const oldest = this.relayedOrder.shift() as string;
      this.relayed.delete(oldest);
    }
  }

  // ---- receipts ----

  /** A device acknowledged messages (delivery, read, played, retry): route it to the sender. */
  onReceipt(conn: ChatConnection, node: BinaryNode): void {
    const login = conn.login;
    if (!login || !node.attrs.id) {
      return;
    }
    const reader = login.phone;
    const type = node.attrs.type;
    const to = node.attrs.to ?? '';
    const isGroup = parseJid(to)?.server === GROUP_SERVER;
    if (type === 'retry') {
      this.forwardRetry(login.phone, login.device, node, isGroup);
      return;
    }
    const status = receiptStatus(type);
    const senderJid = isGroup ? node.attrs.participant : to;
    const sender = senderJid ? this.phoneOf(senderJid) : undefined;
    // nothing from a contact the sender blocked reaches it, receipts included
    if (!status || !sender || sender === reader || blocks(sender, reader)) {
      return;
    }
    const ids = [
      node.attrs.id,
      ...childNodes(child(node, 'list'))
        .map((item) => item.attrs.id)
        .filter(Boolean),
    ];
    const fresh: { id: string; record?: RelayedMessage }[] = [];
    for (const id of ids) {
      // every device of the reader acknowledges; the sender hears it once per account
      const record = this.relayed.get(`${sender.number}|${id}`);
      const dedupe = `${reader.number}|${status}`;
      if (record?.receipts.has(dedupe)) {
        continue;
      }
      record?.receipts.add(dedupe);
      fresh.push({ id, record });
    }
    if (!fresh.length) {
      return;
    }
    const record = fresh[0].record;
    const chat = isGroup ? to : (record?.chat ?? reader.jid);
    const at = new Date();
    for (const { id } of fresh) {
      sender.receipts.push({
        messageId: id,
        chat: isGroup ? to : reader.jid,
        status,
        from: reader.jid,
        at,
      });
    }
    const attrs: Record<string, string> = {
      id: fresh[0].id,
      t: String(Math.floor(at.getTime() / 1000)),
    };
    if (isGroup) {
      attrs.from = chat;
      attrs.participant = reader.jid;
    } else {
      attrs.from = record?.lidAddressed ? lidJid(reader.lid) : reader.jid;
    }
    if (status !== 'delivered') {
      attrs.type = status;
    }
    const receipt: BinaryNode = { tag: 'receipt', attrs };
    if (fresh.length > 1) {
      receipt.content = [
        {
          tag: 'list',
          attrs: {},
          content: fresh.slice(1).map(({ id }) => ({ tag: 'item', attrs: { id } })),
        },
      ];
    }
    for (const device of devicesOf(sender)) {
      this.deliver(sender, device.id, receipt);
    }
  }

  /** A device could not decrypt: its retry receipt goes to the one device that sent it. */
  private forwardRetry(
    reader: Phone,
    readerDevice: Device,
    node: BinaryNode,
    isGroup: boolean,
  ): void {
    const senderDeviceJid = isGroup ? node.attrs.participant : node.attrs.to;
    const sender = senderDeviceJid ? this.phoneOf(senderDeviceJid) : undefined;
    const device = senderDeviceJid ? deviceOf(this.host, senderDeviceJid) : undefined;
    if (!sender || !device) {
      return;
    }
    const attrs: Record<string, string> = {
      id: node.attrs.id,
      type: 'retry',
      t: nowSeconds(),
    };
    if (isGroup) {
      attrs.from = node.attrs.to;
      attrs.participant = pnJid(reader.number, readerDevice.id);
    } else {
      attrs.from = pnJid(reader.number, readerDevice.id);
    }
    if (sender === reader) {
      attrs.recipient = node.attrs.recipient ?? reader.jid;
    }
    this.logger.debug(
      { id: node.attrs.id, from: pnJid(reader.number, readerDevice.id), to: device.jid },
      'retry receipt forwarded',
    );
    this.deliver(sender, device.id, { tag: 'receipt', attrs, content: node.content });
  }

  // ---- groups ----

  /** The group with this JID, if any. */
  group(jid: string): Group | undefined {
    return this.groups.get(jid);
  }

  /**
   * Creates a group owned by `owner` with the given members (phones of this sandbox), as the
   * `w:g2 create` iq does. Members get a `w:gp2` create notification.
   * @throws SandboxError 400 bad subject or participants, 404 unknown phone.
   */
  createGroup(owner: Phone, subject: unknown, participants: unknown): Group {
    if (typeof subject !== 'string' || !subject.trim() || subject.length > 100) {
      throw new SandboxError(400, 'subject must be a non-empty string of at most 100 characters');
    }
    if (!Array.isArray(participants) || participants.some((p) => typeof p !== 'string')) {
      throw new SandboxError(400, 'participants must be an array of phone numbers or JIDs');
    }
    const members: Phone[] = [];
    for (const value of participants as string[]) {
      const phone =
        this.phoneOf(value) ?? this.host.phoneByNumber(numberFromJidOrNumber(value) ?? '');
      if (!phone) {
        throw new SandboxError(404, `no phone with number or JID ${value}`);
      }
      if (phone !== owner && !members.includes(phone)) {
        members.push(phone);
      }
    }
    const now = new Date();
    const group: Group = {
      jid: `120363${String(randomInt(10 ** 11, 10 ** 12))}@${GROUP_SERVER}`,
      subject: subject.trim(),
      creator: owner,
      createdAt: now,
      subjectAt: now,
      participants: new Map([[owner.number, { phone: owner, admin: 'superadmin' }]]),
    };
    for (const phone of members) {
      group.participants.set(phone.number, { phone, admin: null });
    }
    this.groups.set(group.jid, group);
    this.notifyGroup(group, owner, { tag: 'create', attrs: {}, content: [this.groupNode(group)] });
    this.logger.info({ jid: group.jid, size: group.participants.size }, 'group created');
    return group;
  }

  /** Public view of a group. */
  groupView(group: Group): GroupView {
    return {
      jid: group.jid,
      subject: group.subject,
      owner: group.creator.jid,
      participants: [...group.participants.values()].map(({ phone, admin }) => ({
        jid: phone.jid,
        admin,
      })),
    };
  }

  /** `<group>` metadata node, as `w:g2` answers carry it (PN addressing). */
  private groupNode(group: Group): BinaryNode {
    return {
      tag: 'group',
      attrs: {
        id: group.jid.split('@')[0],
        subject: group.subject,
        s_t: String(Math.floor(group.subjectAt.getTime() / 1000)),
        s_o: group.creator.jid,
        creation: String(Math.floor(group.createdAt.getTime() / 1000)),
        creator: group.creator.jid,
        addressing_mode: 'pn',
        size: String(group.participants.size),
      },
      content: [...group.participants.values()].map(({ phone, admin }) => ({
        tag: 'participant',
        attrs: { jid: phone.jid, lid: lidJid(phone.lid), ...(admin ? { type: admin } : {}) },
      })),
    };
  }

  private notifyGroup(group: Group, actor: Phone, content: BinaryNode, extra: Phone[] = []): void {
    const phones = new Set([...[...group.participants.values()].map((p) => p.phone), ...extra]);
    for (const phone of phones) {
      for (const device of devicesOf(phone)) {
        this.deliver(phone, device.id, {
          tag: 'notification',
          attrs: {
            from: group.jid,
            type: 'w:gp2',
            id: `${Date.now().toString(36)}${randomInt(1, 1_000_000)}`,
            participant: actor.jid,
            notify: actor.name,
            t: nowSeconds(),
          },
          content: [content],
        });
      }
    }
  }

  /** Answers `w:g2` iqs (create, metadata, participants, participating, leave, subject). */
  answerGroupIq(phone: Phone, iq: BinaryNode): BinaryNode {
    const first = childNodes(iq)[0];
    const to = iq.attrs.to ?? '';
    if (to === `@${GROUP_SERVER}`) {
      if (iq.attrs.type === 'set' && first?.tag === 'create') {
        const jids = childNodes(first)
          .filter((item) => item.tag === 'participant')
          .map((item) => item.attrs.jid);
        try {
          const group = this.createGroup(phone, first.attrs.subject, jids);
          return iqResult(iq, [this.groupNode(group)]);
        } catch (err) {
          return err instanceof SandboxError
            ? iqError(iq, err.status === 404 ? 403 : 400, 'bad-request')
            : iqError(iq, 500, 'internal-server-error');
        }
      }
      if (iq.attrs.type === 'get' && first?.tag === 'participating') {
        const groups = [...this.groups.values()].filter((group) =>
          group.participants.has(phone.number),
        );
        return iqResult(iq, [
          { tag: 'groups', attrs: {}, content: groups.map((group) => this.groupNode(group)) },
        ]);
      }
      if (iq.attrs.type === 'set' && first?.tag === 'leave') {
        for (const item of childNodes(first)) {
          const group = this.groups.get(item.attrs.id ?? '');
          if (group?.participants.delete(phone.number)) {
            this.notifyGroup(group, phone, this.participantsNode('leave', [phone]), [phone]);
          }
        }
        return iqResult(iq);
      }
      return iqResult(iq);
    }
    const group = this.groups.get(to);
    if (!group || !group.participants.has(phone.number)) {
      return iqError(iq, 404, 'item-not-found');
    }
    if (iq.attrs.type === 'get' && first?.tag === 'query') {
      return iqResult(iq, [this.groupNode(group)]);
    }
    if (
      iq.attrs.type === 'set' &&
      first &&
      ['add', 'remove', 'promote', 'demote'].includes(first.tag)
    ) {
      const affected: BinaryNode[] = [];
      const changed: Phone[] = [];
      for (const item of childNodes(first)) {
        const member = item.attrs.jid ? this.phoneOf(item.attrs.jid) : undefined;
        if (!member) {
          affected.push({ tag: 'participant', attrs: { jid: item.attrs.jid ?? '', error: '403' } });
          continue;
        }
        if (first.tag === 'add') {
          if (!group.participants.has(member.number)) {
            group.participants.set(member.number, { phone: member, admin: null });
          }
        } else if (first.tag === 'remove') {
          group.participants.delete(member.number);
        } else {
          const entry = group.participants.get(member.number);
          if (entry && entry.admin !== 'superadmin') {
            entry.admin = first.tag === 'promote' ? 'admin' : null;
          }
        }
        changed.push(member);
        affected.push({ tag: 'participant', attrs: { jid: item.attrs.jid } });
      }
      if (changed.length) {
        const extra = first.tag === 'remove' ? changed : [];
        this.notifyGroup(group, phone, this.participantsNode(first.tag, changed), extra);
      }
      return iqResult(iq, [{ tag: first.tag, attrs: {}, content: affected }]);
    }
    if (iq.attrs.type === 'set' && first?.tag === 'subject') {
      const subject =
        first.content instanceof Uint8Array ? Buffer.from(first.content).toString('utf8') : '';
      if (subject) {
        group.subject = subject;
        group.subjectAt = new Date();
      }
      return iqResult(iq);
    }
    return iqResult(iq);
  }

  private participantsNode(tag: string, phones: Phone[]): BinaryNode {
    return {
      tag,
      attrs: {},
      content: phones.map((phone) => ({
        tag: 'participant',
        attrs: { jid: phone.jid, lid: lidJid(phone.lid) },
      })),
    };
  }
}

import type { WAMessage } from 'baileys';

import { errorMessage, SandboxError } from '../errors';
import type { FeatureHost, FeatureRegistry, SandboxFeature } from '../feature';
import { lidJid, numberFromJidOrNumber, pnJid } from '../jid';
import type { PhoneMessageView } from '../message-view';
import type { ReceiptView } from '../messaging';
import { buildOutgoing, resolveRecipient } from '../outgoing';

/** `GET /phones/:number/messages`: what the phone received, and receipts for what it sent. */
export interface PhoneMessagesView {
  messages: PhoneMessageView[];
  receipts: ReceiptView[];
}

/**
 * Messages and receipts: the server relays every `<message>` and `<receipt>` a device sends
 * (messaging.ts, end-to-end encrypted by the clients), and the control API lets a phone's
 * primary (a real Baileys client) send messages and receipts and shows what it received.
 */
export class MessagesFeature implements SandboxFeature {
  constructor(private readonly host: FeatureHost) {}

  register(registry: FeatureRegistry): void {
    const { router } = this.host;
    registry.stanza('message', (conn, node) => router.onMessage(conn, node));
    registry.stanza('receipt', (conn, node) => router.onReceipt(conn, node));
    registry.route({
      // body: { to, text, replyTo? } | { to, location } | { to, contacts } | { to, reaction }
      //     | { to, poll } | { to, pollVote } | { to, edit } | { to, revoke }
      //     | { to, image|video|audio|document|sticker: { data (base64), mimetype?, fileName?,
      //         caption?, ptt? } }  →  201 { messageId }
      method: 'POST',
      pattern: /^\/phones\/([^/]+)\/messages$/,
      status: 201,
      run: ([number], body) => this.sendFromPhone(number, body),
    });
    registry.route({
      // ?chat=<number or JID>  →  { messages: [...], receipts: [...] }
      method: 'GET',
      pattern: /^\/phones\/([^/]+)\/messages$/,
      run: ([number], _body, query) => this.phoneMessages(number, query.get('chat') ?? undefined),
    });
    registry.route({
      // →  { mimetype, size, base64 } (decrypted bytes of a received media message)
      method: 'GET',
      pattern: /^\/phones\/([^/]+)\/messages\/([^/]+)\/media$/,
      run: ([number, messageId]) => this.phoneMedia(number, messageId),
    });
    registry.route({
      method: 'POST',
      pattern: /^\/phones\/([^/]+)\/read$/,
      run: ([number], body) => this.receiptsFromPhone(number, body.chat, body.messageIds, 'read'),
    });
    registry.route({
      method: 'POST',
      pattern: /^\/phones\/([^/]+)\/play$/,
      run: ([number], body) => this.receiptsFromPhone(number, body.chat, body.messageIds, 'played'),
    });
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
    const client = await this.host.readyClient(number);
    const outgoing = buildOutgoing(body, {
      b: this.host.b,
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
    const phone = this.host.requirePhone(number);
    const client = this.host.phoneClient(number);
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
    const { b } = this.host;
    const client = this.host.phoneClient(number);
    const message = client.findMessage(messageId);
    const content = message ? b.normalizeMessageContent(message.message) : undefined;
    const kinds = ['image', 'video', 'audio', 'document', 'sticker'] as const;
    const kind = kinds.find((k) => content?.[`${k}Message`]);
    const part = kind ? content?.[`${kind}Message`] : undefined;
    if (!kind || !part?.mediaKey || !part.directPath) {
      throw new SandboxError(404, `no media message ${messageId} on ${number}`);
    }
    const encrypted = this.host.media.encrypted(part.directPath);
    if (!encrypted) {
      throw new SandboxError(404, `media of ${messageId} is not on the media host`);
    }
    const keys = await b.getMediaKeys(part.mediaKey, kind);
    const plain = b.aesDecryptWithIV(encrypted.subarray(0, -10), keys.cipherKey, keys.iv);
    return {
      mimetype: part.mimetype ?? null,
      size: plain.length,
      base64: plain.toString('base64'),
    };
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
    const client = await this.host.readyClient(number);
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

  /** The JIDs a chat filter matches: a number or PN JID also matches the phone's LID. */
  private chatKeys(chat: string): Set<string> {
    const keys = new Set<string>([chat]);
    const number = numberFromJidOrNumber(chat);
    const phone = number ? this.host.phoneByNumber(number) : undefined;
    if (number) {
      keys.add(pnJid(number));
    }
    if (phone) {
      keys.add(lidJid(phone.lid));
    }
    return keys;
  }
}

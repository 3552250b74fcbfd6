import { bareJid } from '@wharf/modules/events/bare-jids';
import type { InboundEvent, InboundMessage, MessageContext, ReceiptEvent } from '@wharf/whatsapp';

/** `chat.type` of D7. */
export type ChatType = 'private' | 'group' | 'newsletter';

/** D7 `chat.type` of a JID. */
export function chatTypeOf(jid: string): ChatType {
  if (jid.endsWith('@g.us')) return 'group';
  if (jid.endsWith('@newsletter')) return 'newsletter';
  return 'private';
}

/** A JID's phone form and LID form, whichever of the two are known (D13). */
export interface AddressPair {
  jid: string;
  lid?: string;
}

/** Splits an address and its alternative into the `{ jid, lid }` pair of D7. */
export function addressPair(address: string, alternative: string | null | undefined): AddressPair {
  const isLid = (value: string) => value.endsWith('@lid');
  if (isLid(address))
    return alternative && !isLid(alternative)
      ? { jid: alternative, lid: address }
      : { jid: address, lid: address };
  return alternative && isLid(alternative) ? { jid: address, lid: alternative } : { jid: address };
}

/** What the event needs besides the message itself. */
export interface ExchangeContext {
  direction: 'incoming' | 'outgoing';
  /** `source` given at send time (`"api"` default), `""` for messages from the phone or others (D7). */
  source: string;
  /** The instance's own number JID (recipient of incoming, sender of outgoing). */
  ownJid: string | null;
  chatName?: string | null;
  groupName?: string | null;
  isCommunity?: boolean;
  senderName?: string | null;
  /** D15 additions (downloadUrl, s3Url, base64) merged into `media`. */
  mediaExtra?: Record<string, unknown>;
  /** The decrypted vote of a `poll_update` (D7 `pollUpdate.selectedOptions`). */
  pollVote?: { selectedOptions: string[] };
  /** D7 `edit.previousContent` of a `message_edit`, when known (edits sent through the API). */
  previousContent?: string | null;
}

/**
 * The `message.exchange` data of D7 (production shape): fields directly on `data`, `content` a
 * string, exactly one typed block non-null. `message.id`/`message.direction` repeat the outer ones.
 */
export function toExchangeData(
  message: InboundMessage,
  context: ExchangeContext,
): Record<string, unknown> {
  const chatType = chatTypeOf(message.chatJid);
  const chat: Record<string, unknown> = {
    ...addressPair(message.chatJid, message.chatJidAlt),
    name: context.chatName ?? null,
    type: chatType,
  };
  if (chatType === 'group') chat.groupName = context.groupName ?? null;
  if (context.isCommunity) chat.isCommunity = true;
  const sender = {
    ...addressPair(message.senderJid, message.senderJidAlt),
    name: context.senderName ?? message.pushName ?? null,
  };
  const recipient =
    context.direction === 'incoming'
      ? { jid: context.ownJid }
      : {
          jid:
            chatType === 'private'
              ? addressPair(message.chatJid, message.chatJidAlt).jid
              : message.chatJid,
        };
  const media = message.media
    ? {
        type: message.media.type,
        mimetype: message.media.mimetype,
        fileName: message.media.fileName,
        caption: message.media.caption,
        size: message.media.size,
        sha256: message.media.sha256,
        ...(message.media.duration !== null ? { duration: message.media.duration } : {}),
        ...(message.media.width !== null ? { width: message.media.width } : {}),
        ...(message.media.height !== null ? { height: message.media.height } : {}),
        isVoiceNote: message.media.isVoiceNote,
        url: message.media.url,
        ...context.mediaExtra,
      }
    : null;
  return {
    id: message.id,
    direction: context.direction,
    fromMe: message.fromMe,
    timestamp: message.timestamp.toISOString(),
    chat,
    sender,
    recipient,
    message: {
      id: message.id,
      direction: context.direction,
      type: message.type,
      content: message.content,
      source: context.source,
      isForwarded: message.isForwarded,
      isEdit: message.type === 'message_edit',
      edit: message.edit
        ? {
            originalId: message.edit.originalId,
            previousContent: context.previousContent ?? null,
          }
        : null,
      context: message.context,
      media,
      location: message.location,
      contact: message.contacts,
      reaction: message.reaction,
      interactive: message.interactive,
      poll: message.poll,
      pollUpdate: message.pollUpdate
        ? {
            pollMessageId: message.pollUpdate.pollMessageId,
            voter: sender.jid,
            selectedOptions: context.pollVote?.selectedOptions ?? [],
          }
        : null,
    },
  };
}

/** The `message.status` data of D7, plus `message: { id, status }` for catalogue-style clients. */
export function toStatusData(
  receipt: ReceiptEvent,
  ownJid: string | null,
): Record<string, unknown> {
  const chatType = chatTypeOf(receipt.chatJid);
  return {
    messageIds: receipt.messageIds,
    status: receipt.status,
    chat: { jid: receipt.chatJid, type: chatType },
    recipient: {
      jid: chatType === 'group' ? (receipt.participant ?? receipt.chatJid) : receipt.chatJid,
    },
    sender: { jid: ownJid },
    ...(chatType === 'group' ? { messageSender: ownJid } : {}),
    timestamp: receipt.timestamp.toISOString(),
    message: { id: receipt.messageIds[0], status: receipt.status },
  };
}

/** What D25's copies need that the D7 `message.exchange` data does not carry. */
export interface ExchangeFacts {
  /** `message_revoke`: the id of the revoked message (the engine's `revoke.messageId`). */
  revokedId?: string | null;
  /** `event` / `event_response`: the D25 `message.event` block. */
  event?: InboundEvent | null;
}

/** Types whose `content` is not a text a reader would show as the message (D25 `text`). */
const NON_TEXT_TYPES = new Set(['reaction', 'event_response', 'message_revoke', 'poll_update']);

/**
 * The D25 additions to `message.exchange` data, on top of the D7 shape of
 * {@link toExchangeData} (additive, except the revoke ids D25 moves):
 * - `message.{timestamp, chat, sender}` copy the outer values; `message.remoteJid` = `chat.jid`,
 *   `message.from` = `sender.jid`, `message.to` = `recipient.jid`; `message.text` = `content`
 *   for textual types (absent for types without text: media without caption, reactions…);
 * - a quoting message adds `data.reply = { message_id, text, sender }`; mentions add
 *   `data.mentions = { mentionedUsers }`;
 * - `message_edit`: `edit` adds `original_id` and `text` (the new text);
 * - `message_revoke`: `data.id` and `message.id` become the revoked message's id,
 *   `message.revokeId` keeps the revoke's own id, `edit = { originalId, original_id }` names it;
 * - `event` / `event_response`: `message.event` carries the event (D25 `POST /api/message/event`).
 * Pure; the input is not modified.
 */
export function withExchangeCopies(
  data: Record<string, unknown>,
  facts: ExchangeFacts = {},
): Record<string, unknown> {
  const message = data.message as Record<string, unknown>;
  const chat = data.chat as { jid: string };
  const sender = data.sender as { jid: string };
  const recipient = data.recipient as { jid: string | null };
  const type = message.type as string;
  const content = message.content as string;
  const copied: Record<string, unknown> = {
    ...message,
    timestamp: data.timestamp,
    chat: data.chat,
    sender: data.sender,
    remoteJid: chat.jid,
    from: sender.jid,
    to: recipient.jid,
    ...(content !== '' && !NON_TEXT_TYPES.has(type) ? { text: content } : {}),
  };
  const out: Record<string, unknown> = { ...data, message: copied };
  const context = message.context as MessageContext | null;
  if (context?.quotedMessageId)
    out.reply = {
      message_id: context.quotedMessageId,
      text: context.quotedContent,
      sender: context.quotedSender,
    };
  if (context?.mentions?.length) out.mentions = { mentionedUsers: [...context.mentions] };
  const edit = message.edit as { originalId: string } | null;
  if (type === 'message_edit' && edit)
    copied.edit = { ...edit, original_id: edit.originalId, text: content };
  if (type === 'message_revoke' && facts.revokedId) {
    out.id = facts.revokedId;
    copied.id = facts.revokedId;
    copied.revokeId = message.id;
    copied.edit = { originalId: facts.revokedId, original_id: facts.revokedId };
  }
  if (facts.event) copied.event = facts.event;
  return out;
}

/**
 * The D25 form of `message.status` data: `data.id` = the first of `messageIds`, `recipient` the
 * recipient's JID **string** (D7 had `{ jid }`), `message = { id, status, direction }`
 * (`incoming` for receipts of received messages, `read_self`/`played_self`; else `outgoing`).
 * Pure; the input is not modified.
 */
export function withStatusCopies(data: Record<string, unknown>): Record<string, unknown> {
  const ids = data.messageIds as string[];
  const status = data.status as string;
  const recipient = data.recipient as { jid?: string | null } | string | null | undefined;
  return {
    ...data,
    id: ids[0],
    recipient: typeof recipient === 'object' ? (recipient?.jid ?? null) : recipient,
    message: {
      ...(data.message as Record<string, unknown> | undefined),
      id: ids[0],
      status,
      direction: status.endsWith('_self') ? 'incoming' : 'outgoing',
    },
  };
}

/**
 * `message` with every address as the bare user JID (D25): the chat, the sender, their
 * alternatives, the quoted author and the mentions lose a device part (the engine names the
 * account's own other devices, `5511…:1@s.whatsapp.net`, as the sender of their messages). The
 * message store and every answer read from it then carry bare JIDs too. Pure.
 */
export function bareMessageJids(message: InboundMessage): InboundMessage {
  const orNull = (jid: string | null) => (jid === null ? null : bareJid(jid));
  return {
    ...message,
    chatJid: bareJid(message.chatJid),
    chatJidAlt: orNull(message.chatJidAlt),
    senderJid: bareJid(message.senderJid),
    senderJidAlt: orNull(message.senderJidAlt),
    context: message.context
      ? {
          ...message.context,
          quotedSender: orNull(message.context.quotedSender),
          mentions: message.context.mentions.map(bareJid),
        }
      : null,
  };
}

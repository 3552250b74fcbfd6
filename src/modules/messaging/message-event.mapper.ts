import type { InboundMessage, ReceiptEvent } from '@wharf/whatsapp';

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
      edit: message.edit ? { originalId: message.edit.originalId, previousContent: null } : null,
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

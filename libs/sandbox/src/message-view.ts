import type { proto, WAMessage } from 'baileys';

import type { BaileysModule } from './baileys-loader';

/** Kind of a message a phone received (`GET /phones/:number/messages`). */
export type PhoneMessageType =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'reaction'
  | 'poll'
  | 'pollVote'
  | 'edit'
  | 'revoke'
  | 'other';

/** A message as a phone received it, decrypted by its primary (times are ISO-8601). */
export interface PhoneMessageView {
  id: string;
  /** Chat: the peer's JID (as the sender addressed it) or the group JID. */
  chat: string;
  /** The peer's PN JID for a 1:1 chat whose `chat` is a LID, else undefined. */
  chatAlt?: string;
  /** JID of the author (the peer, the group participant, or the phone itself). */
  from: string;
  /** True when another device of the same account sent it. */
  fromMe: boolean;
  pushName?: string;
  type: PhoneMessageType;
  /** Media: MIME type, size and file name as the message announces them. */
  media?: { mimetype?: string; fileLength?: number; fileName?: string };
  text?: string;
  caption?: string;
  /** Id of the quoted message (a reply). */
  quotedId?: string;
  mentions?: string[];
  location?: { degreesLatitude: number; degreesLongitude: number; name?: string; address?: string };
  contacts?: { displayName: string; vcard: string }[];
  reaction?: { messageId: string; emoji: string };
  poll?: { name: string; options: string[]; selectableCount: number };
  /** For `pollVote`: the poll's message id (the vote itself is encrypted to the poll creator). */
  pollVote?: { messageId: string };
  edit?: { messageId: string; text?: string };
  revoke?: { messageId: string };
  at: string;
}

function contextOf(content: proto.IMessage): proto.IContextInfo | undefined {
  for (const value of Object.values(content)) {
    if (value && typeof value === 'object' && 'contextInfo' in value) {
      const info = (value as { contextInfo?: proto.IContextInfo | null }).contextInfo;
      if (info) {
        return info;
      }
    }
  }
  return undefined;
}

function textOf(content: proto.IMessage | null | undefined): string | undefined {
  return content?.conversation ?? content?.extendedTextMessage?.text ?? undefined;
}

function timestampOf(message: WAMessage): string {
  const raw = message.messageTimestamp;
  const seconds = typeof raw === 'number' ? raw : raw ? Number(raw.toString()) : 0;
  return new Date((seconds || Date.now() / 1000) * 1000).toISOString();
}

/**
 * Converts a decrypted Baileys message into the control API's view of it; `ownJid` is the
 * receiving phone's PN JID (the author of messages its other devices sent).
 */
export function toMessageView(
  b: BaileysModule,
  message: WAMessage,
  ownJid: string,
): PhoneMessageView {
  const key = message.key;
  const chat = key.remoteJid ?? '';
  const view: PhoneMessageView = {
    id: key.id ?? '',
    chat,
    from: key.fromMe ? ownJid : b.jidNormalizedUser(key.participant || chat),
    fromMe: Boolean(key.fromMe),
    type: 'other',
    at: timestampOf(message),
  };
  if (key.remoteJidAlt && !chat.endsWith('@g.us')) {
    view.chatAlt = key.remoteJidAlt;
  }
  if (message.pushName) {
    view.pushName = message.pushName;
  }
  const content = b.normalizeMessageContent(message.message);
  if (!content) {
    return view;
  }
  const context = contextOf(content);
  if (context?.stanzaId) {
    view.quotedId = context.stanzaId;
  }
  if (context?.mentionedJid?.length) {
    view.mentions = [...context.mentionedJid];
  }
  const text = textOf(content);
  if (text !== undefined) {
    view.type = 'text';
    view.text = text;
    return view;
  }
  const media: [PhoneMessageType, object | null | undefined][] = [
    ['image', content.imageMessage],
    ['video', content.videoMessage],
    ['audio', content.audioMessage],
    ['document', content.documentMessage],
    ['sticker', content.stickerMessage],
  ];
  for (const [type, part] of media) {
    if (part) {
      view.type = type;
      const info = part as {
        caption?: string | null;
        mimetype?: string | null;
        fileLength?: number | { toString(): string } | null;
        fileName?: string | null;
      };
      if (info.caption) {
        view.caption = info.caption;
      }
      view.media = {
        ...(info.mimetype ? { mimetype: info.mimetype } : {}),
        ...(info.fileLength != null ? { fileLength: Number(info.fileLength.toString()) } : {}),
        ...(info.fileName ? { fileName: info.fileName } : {}),
      };
      return view;
    }
  }
  if (content.locationMessage) {
    const loc = content.locationMessage;
    view.type = 'location';
    view.location = {
      degreesLatitude: loc.degreesLatitude ?? 0,
      degreesLongitude: loc.degreesLongitude ?? 0,
      ...(loc.name ? { name: loc.name } : {}),
      ...(loc.address ? { address: loc.address } : {}),
    };
    return view;
  }
  const contacts = content.contactMessage
    ? [content.contactMessage]
    : (content.contactsArrayMessage?.contacts ?? undefined);
  if (contacts) {
    view.type = 'contacts';
    view.contacts = contacts.map((contact) => ({
      displayName: contact.displayName ?? '',
      vcard: contact.vcard ?? '',
    }));
    return view;
  }
  if (content.reactionMessage) {
    view.type = 'reaction';
    view.reaction = {
      messageId: content.reactionMessage.key?.id ?? '',
      emoji: content.reactionMessage.text ?? '',
    };
    return view;
  }
  const poll =
    content.pollCreationMessage ?? content.pollCreationMessageV2 ?? content.pollCreationMessageV3;
  if (poll) {
    view.type = 'poll';
    view.poll = {
      name: poll.name ?? '',
      options: (poll.options ?? []).map((option) => option.optionName ?? ''),
      selectableCount: poll.selectableOptionsCount ?? 0,
    };
    return view;
  }
  if (content.pollUpdateMessage) {
    view.type = 'pollVote';
    view.pollVote = { messageId: content.pollUpdateMessage.pollCreationMessageKey?.id ?? '' };
    return view;
  }
  const protocol = content.protocolMessage;
  if (protocol?.type === b.proto.Message.ProtocolMessage.Type.REVOKE) {
    view.type = 'revoke';
    view.revoke = { messageId: protocol.key?.id ?? '' };
    return view;
  }
  if (protocol?.type === b.proto.Message.ProtocolMessage.Type.MESSAGE_EDIT) {
    view.type = 'edit';
    const edited = textOf(protocol.editedMessage);
    view.edit = {
      messageId: protocol.key?.id ?? '',
      ...(edited !== undefined ? { text: edited } : {}),
    };
    return view;
  }
  return view;
}

import type { proto, WAMessage } from 'baileys';

import { renderEvent } from '../event-content';
import type {
  InboundMedia,
  InboundMessage,
  MessageContext,
  MessageType,
  ReceiptStatus,
} from '../messages';
import { inboundEventOf, inboundEventResponseOf } from './event-message';

/** Protocol message types of WhatsApp (`proto.Message.ProtocolMessage.Type`). */
const PROTOCOL_REVOKE = 0;
const PROTOCOL_MESSAGE_EDIT = 14;

/** Wrappers WhatsApp puts around the real content. */
const WRAPPERS = [
  'ephemeralMessage',
  'viewOnceMessage',
  'viewOnceMessageV2',
  'viewOnceMessageV2Extension',
  'documentWithCaptionMessage',
  'editedMessage',
] as const;

/** The innermost content of a message (ephemeral, view-once and caption wrappers removed). */
export function unwrapContent(message: proto.IMessage | null | undefined): proto.IMessage | null {
  let current = message ?? null;
  for (let depth = 0; current && depth < 5; depth++) {
    const wrapper = WRAPPERS.find((key) => (current as Record<string, unknown>)[key]);
    if (!wrapper) return current;
    current =
      (current as Record<string, { message?: proto.IMessage | null } | null>)[wrapper]?.message ??
      null;
  }
  return current;
}

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null && 'toNumber' in value)
    return (value as { toNumber(): number }).toNumber();
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

function b64(value: Uint8Array | string | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : Buffer.from(value).toString('base64');
}

/** WhatsApp timestamps are Unix seconds (number or Long). */
export function timestampToDate(value: unknown): Date {
  const seconds = num(value);
  return seconds === null ? new Date() : new Date(seconds * 1000);
}

function contextOf(info: proto.IContextInfo | null | undefined): MessageContext | null {
  if (!info) return null;
  const mentions = [...(info.mentionedJid ?? [])];
  const quotedMessageId = info.stanzaId ?? null;
  if (!quotedMessageId && mentions.length === 0) return null;
  const quoted = unwrapContent(info.quotedMessage);
  return {
    quotedMessageId,
    quotedContent: quoted ? renderContent(quoted).content : null,
    quotedSender: info.participant ?? null,
    mentions,
  };
}

function media(
  type: InboundMedia['type'],
  m: {
    mimetype?: string | null;
    fileName?: string | null;
    caption?: string | null;
    fileLength?: unknown;
    fileSha256?: Uint8Array | null;
    seconds?: number | null;
    width?: number | null;
    height?: number | null;
    url?: string | null;
  },
  isVoiceNote = false,
): InboundMedia {
  return {
    type,
    mimetype: m.mimetype ?? null,
    fileName: m.fileName ?? null,
    caption: m.caption ?? null,
    size: num(m.fileLength),
    sha256: b64(m.fileSha256),
    duration: m.seconds ?? null,
    width: m.width ?? null,
    height: m.height ?? null,
    isVoiceNote,
    url: m.url ?? null,
  };
}

interface Rendered {
  type: MessageType;
  content: string;
  contextInfo?: proto.IContextInfo | null;
  fields: Partial<Omit<InboundMessage, 'id' | 'type' | 'content' | 'context' | 'raw'>>;
}

/**
 * The D7 type, textual content and typed block of a message's content. Unknown kinds are
 * `unknown` with empty content, never an error.
 */
export function renderContent(c: proto.IMessage): Rendered {
  if (c.conversation !== null && c.conversation !== undefined)
    return { type: 'text', content: c.conversation, fields: {} };
  if (c.extendedTextMessage) {
    return {
      type: 'text',
      content: c.extendedTextMessage.text ?? '',
      contextInfo: c.extendedTextMessage.contextInfo,
      fields: {},
    };
  }
  if (c.imageMessage) {
    const m = c.imageMessage;
    return {
      type: 'image',
      content: m.caption ?? '',
      contextInfo: m.contextInfo,
      fields: { media: media('image', m) },
    };
  }
  if (c.videoMessage) {
    const m = c.videoMessage;
    return {
      type: 'video',
      content: m.caption ?? '',
      contextInfo: m.contextInfo,
      fields: { media: media('video', m) },
    };
  }
  if (c.ptvMessage) {
    const m = c.ptvMessage;
    return {
      type: 'ptv',
      content: '',
      contextInfo: m.contextInfo,
      fields: { media: media('ptv', m) },
    };
  }
  if (c.audioMessage) {
    const m = c.audioMessage;
    const type = m.ptt ? 'ptt' : 'audio';
    return {
      type,
      content: '',
      contextInfo: m.contextInfo,
      fields: { media: media(type, m, Boolean(m.ptt)) },
    };
  }
  if (c.documentMessage) {
    const m = c.documentMessage;
    return {
      type: 'document',
      content: m.caption ?? m.fileName ?? '',
      contextInfo: m.contextInfo,
      fields: { media: media('document', m) },
    };
  }
  if (c.stickerMessage) {
    const m = c.stickerMessage;
    return {
      type: 'sticker',
      content: '',
      contextInfo: m.contextInfo,
      fields: { media: media('sticker', m) },
    };
  }
  if (c.locationMessage || c.liveLocationMessage) {
    const m = (c.locationMessage ?? c.liveLocationMessage)!;
    const name = 'name' in m ? (m.name ?? null) : null;
    const address = 'address' in m ? (m.address ?? null) : null;
    const latitude = m.degreesLatitude ?? 0;
    const longitude = m.degreesLongitude ?? 0;
    return {
      type: 'location',
      content: [name, address, `${latitude},${longitude}`].filter(Boolean).join(' — '),
      contextInfo: m.contextInfo,
      fields: { location: { latitude, longitude, name, address } },
    };
  }
  if (c.contactMessage) {
    const m = c.contactMessage;
    return {
      type: 'contact',
      content: m.displayName ?? '',
      contextInfo: m.contextInfo,
      fields: { contacts: [{ displayName: m.displayName ?? '', vcard: m.vcard ?? '' }] },
    };
  }
  if (c.contactsArrayMessage) {
    const m = c.contactsArrayMessage;
    const contacts = (m.contacts ?? []).map((x) => ({
      displayName: x.displayName ?? '',
      vcard: x.vcard ?? '',
    }));
    return {
      type: 'contacts',
      content: m.displayName ?? contacts.map((x) => x.displayName).join(', '),
      contextInfo: m.contextInfo,
      fields: { contacts },
    };
  }
  if (c.reactionMessage) {
    const m = c.reactionMessage;
    return {
      type: 'reaction',
      content: m.text ?? '',
      fields: { reaction: { messageId: m.key?.id ?? '', emoji: m.text ?? '' } },
    };
  }
  const poll = c.pollCreationMessage ?? c.pollCreationMessageV2 ?? c.pollCreationMessageV3;
  if (poll) {
    const options = (poll.options ?? []).map((o) => o.optionName ?? '');
    return {
      type: 'poll',
      content: poll.name ?? '',
      contextInfo: poll.contextInfo,
      fields: {
        poll: { name: poll.name ?? '', options, selectableCount: poll.selectableOptionsCount ?? 0 },
      },
    };
  }
  if (c.pollUpdateMessage) {
    return {
      type: 'poll_update',
      content: '',
      fields: {
        pollUpdate: { pollMessageId: c.pollUpdateMessage.pollCreationMessageKey?.id ?? '' },
      },
    };
  }
  if (c.protocolMessage) {
    const p = c.protocolMessage;
    const target = p.key?.id ?? '';
    if (Number(p.type) === PROTOCOL_REVOKE)
      return { type: 'message_revoke', content: '', fields: { revoke: { messageId: target } } };
    if (Number(p.type) === PROTOCOL_MESSAGE_EDIT) {
      const edited = unwrapContent(p.editedMessage);
      const newContent = edited ? renderContent(edited).content : '';
      return {
        type: 'message_edit',
        content: newContent,
        fields: { edit: { originalId: target, newContent } },
      };
    }
  }
  // A message pinned or unpinned in its chat (docs/API.md §3.3 `pinMessage`); `content` stays "".
  if (c.pinInChatMessage) return { type: 'pin', content: '', fields: {} };
  if (c.eventMessage) {
    const event = inboundEventOf(c.eventMessage);
    return {
      type: 'event',
      content: renderEvent(event),
      contextInfo: c.eventMessage.contextInfo,
      fields: { event },
    };
  }
  if (c.encEventResponseMessage)
    return {
      type: 'event_response',
      content: '',
      fields: { event: inboundEventResponseOf(c.encEventResponseMessage) },
    };
  if (c.buttonsResponseMessage) {
    const m = c.buttonsResponseMessage;
    return {
      type: 'buttons_response',
      content: m.selectedDisplayText ?? '',
      contextInfo: m.contextInfo,
      fields: {
        interactive: {
          selectedButtonId: m.selectedButtonId ?? undefined,
          title: m.selectedDisplayText ?? undefined,
        },
      },
    };
  }
  if (c.listResponseMessage) {
    const m = c.listResponseMessage;
    return {
      type: 'list_response',
      content: m.title ?? '',
      contextInfo: m.contextInfo,
      fields: {
        interactive: {
          selectedRowId: m.singleSelectReply?.selectedRowId ?? undefined,
          title: m.title ?? undefined,
        },
      },
    };
  }
  if (c.templateButtonReplyMessage) {
    const m = c.templateButtonReplyMessage;
    return {
      type: 'template_button_reply',
      content: m.selectedDisplayText ?? '',
      contextInfo: m.contextInfo,
      fields: {
        interactive: {
          selectedButtonId: m.selectedId ?? undefined,
          title: m.selectedDisplayText ?? undefined,
        },
      },
    };
  }
  if (c.buttonsMessage)
    return { type: 'buttons', content: c.buttonsMessage.contentText ?? '', fields: {} };
  if (c.listMessage)
    return {
      type: 'list',
      content: c.listMessage.description ?? c.listMessage.title ?? '',
      fields: {},
    };
  if (c.interactiveMessage)
    return { type: 'interactive', content: c.interactiveMessage.body?.text ?? '', fields: {} };
  return { type: 'unknown', content: '', fields: {} };
}

/** Messages that carry nothing for the API (key distribution, history sync notices, app state). */
export function isSignallingOnly(c: proto.IMessage): boolean {
  const keys = Object.keys(c).filter(
    (key) =>
      (c as Record<string, unknown>)[key] !== null &&
      (c as Record<string, unknown>)[key] !== undefined,
  );
  const signalling = new Set(['senderKeyDistributionMessage', 'messageContextInfo']);
  if (keys.length > 0 && keys.every((key) => signalling.has(key))) return true;
  const protocolType = Number(c.protocolMessage?.type);
  return (
    Boolean(c.protocolMessage) &&
    protocolType !== PROTOCOL_REVOKE &&
    protocolType !== PROTOCOL_MESSAGE_EDIT
  );
}

/**
 * Maps an engine message to the domain. Returns `null` for messages with no API meaning
 * (signalling, history notices, messages without content).
 * @param ownJid the session's own JID, for the sender of `fromMe` messages
 */
export function toInboundMessage(
  message: WAMessage,
  ownJid: string | null,
  raw: Record<string, unknown>,
): InboundMessage | null {
  const key = message.key;
  const content = unwrapContent(message.message);
  if (!key.id || !key.remoteJid || !content || isSignallingOnly(content)) return null;
  const rendered = renderContent(content);
  const isGroup = key.remoteJid.endsWith('@g.us') || key.remoteJid === 'status@broadcast';
  const fromMe = Boolean(key.fromMe);
  const senderJid = fromMe
    ? (ownJid ?? key.remoteJid)
    : isGroup
      ? (key.participant ?? key.remoteJid)
      : key.remoteJid;
  const senderJidAlt = fromMe
    ? null
    : isGroup
      ? (key.participantAlt ?? null)
      : (key.remoteJidAlt ?? null);
  const info = rendered.contextInfo ?? null;
  return {
    id: key.id,
    chatJid: key.remoteJid,
    chatJidAlt: isGroup ? null : (key.remoteJidAlt ?? null),
    senderJid,
    senderJidAlt,
    fromMe,
    pushName: message.pushName ?? null,
    timestamp: timestampToDate(message.messageTimestamp),
    type: rendered.type,
    content: rendered.content,
    isForwarded: Boolean(info?.isForwarded),
    context: contextOf(info),
    media: null,
    location: null,
    contacts: null,
    reaction: null,
    poll: null,
    pollUpdate: null,
    edit: null,
    revoke: null,
    interactive: null,
    ...rendered.fields,
    raw,
  };
}

/** Receipt types of the engine (`message-receipt.update` / `messages.update` status numbers). */
const STATUS_BY_NUMBER: Record<number, ReceiptStatus> = {
  0: 'server_error',
  2: 'sent',
  3: 'delivered',
  4: 'read',
  5: 'played',
};

/** A message status number (`proto.WebMessageInfo.Status`) as a domain receipt status. */
export function receiptStatusOf(status: number | null | undefined): ReceiptStatus | null {
  return status === null || status === undefined ? null : (STATUS_BY_NUMBER[status] ?? null);
}

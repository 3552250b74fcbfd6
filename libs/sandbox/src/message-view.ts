import type { proto, WAMessage } from 'baileys';

import type { BaileysModule } from './baileys-loader';
import { type EventView, eventViewOf } from './event-view';

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
  | 'other'
  | 'interactive'
  | 'event'
  | 'pin';

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
  /**
   * Media: MIME type, size and file name as the message announces them; audio: `ptt` (voice
   * note) and `seconds`; images, videos and stickers: `width`/`height` when announced.
   */
  media?: {
    mimetype?: string;
    fileLength?: number;
    fileName?: string;
    ptt?: boolean;
    seconds?: number;
    width?: number;
    height?: number;
  };
  text?: string;
  /** Text statuses: background colour (ARGB integer) and font number, when set. */
  textStyle?: { backgroundArgb?: number; font?: number };
  caption?: string;
  /** Id of the quoted message (a reply). */
  quotedId?: string;
  /** True when the message is marked forwarded (`contextInfo.isForwarded`). */
  isForwarded?: boolean;
  /** How many times it was forwarded (`contextInfo.forwardingScore`), when marked. */
  forwardingScore?: number;
  /**
   * For `pin`: the message pinned or unpinned (`pinInChatMessage`) and, when pinning, for how
   * long in seconds (`messageContextInfo.messageAddOnDurationInSecs`).
   */
  pin?: { messageId: string; action: 'pin' | 'unpin'; seconds?: number };
  mentions?: string[];
  location?: { degreesLatitude: number; degreesLongitude: number; name?: string; address?: string };
  contacts?: { displayName: string; vcard: string }[];
  reaction?: { messageId: string; emoji: string };
  poll?: { name: string; options: string[]; selectableCount: number };
  /** For `pollVote`: the poll's message id (the vote itself is encrypted to the poll creator). */
  pollVote?: { messageId: string };
  edit?: { messageId: string; text?: string };
  revoke?: { messageId: string };
  /** For `interactive`: the visible texts and the native-flow buttons (params JSON parsed). */
  interactive?: InteractiveView;
  /** For `event`: the event card's fields. */
  event?: EventView;
  /** For a text with a link preview: what the preview shows. */
  linkPreview?: {
    matchedText?: string;
    title?: string;
    description?: string;
    hasThumbnail: boolean;
  };
  at: string;
}

/** A native-flow button as a phone received it: `name` (`quick_reply`, `cta_url`…) and its params. */
export interface NativeFlowButtonView {
  name: string;
  params: Record<string, unknown>;
}

/** An `interactiveMessage` as a phone received it (buttons, list, carousel, flow, PIX). */
/** Header of an interactive message or card; `media` names the attached media kind. */
export interface InteractiveHeaderView {
  title?: string;
  subtitle?: string;
  media?: { type: 'image' | 'video' | 'document'; mimetype?: string; fileName?: string };
}

export interface InteractiveView {
  header?: InteractiveHeaderView;
  body?: string;
  footer?: string;
  buttons: NativeFlowButtonView[];
  cards?: Array<{
    header?: InteractiveHeaderView;
    body?: string;
    footer?: string;
    buttons: NativeFlowButtonView[];
  }>;
}

function nativeFlowButtons(
  flow: proto.Message.InteractiveMessage.INativeFlowMessage | null | undefined,
): NativeFlowButtonView[] {
  return (flow?.buttons ?? []).map((button) => {
    let params: Record<string, unknown> = {};
    try {
      params = JSON.parse(button.buttonParamsJson ?? '{}') as Record<string, unknown>;
    } catch {
      params = { raw: button.buttonParamsJson };
    }
    return { name: button.name ?? '', params };
  });
}

function interactiveView(message: proto.Message.IInteractiveMessage): InteractiveView {
  const headerOf = (
    h: proto.Message.InteractiveMessage.IHeader | null | undefined,
  ): InteractiveHeaderView | undefined => {
    if (!h) return undefined;
    const [type, media] = h.imageMessage
      ? (['image', h.imageMessage] as const)
      : h.videoMessage
        ? (['video', h.videoMessage] as const)
        : h.documentMessage
          ? (['document', h.documentMessage] as const)
          : [undefined, undefined];
    const fileName = media && 'fileName' in media ? media.fileName : undefined;
    const view: InteractiveHeaderView = {
      ...(h.title ? { title: h.title } : {}),
      ...(h.subtitle ? { subtitle: h.subtitle } : {}),
      ...(type
        ? {
            media: {
              type,
              ...(media?.mimetype ? { mimetype: media.mimetype } : {}),
              ...(fileName ? { fileName } : {}),
            },
          }
        : {}),
    };
    return Object.keys(view).length ? view : undefined;
  };
  const view: InteractiveView = { buttons: nativeFlowButtons(message.nativeFlowMessage) };
  const header = headerOf(message.header);
  if (header) view.header = header;
  if (message.body?.text) view.body = message.body.text;
  if (message.footer?.text) view.footer = message.footer.text;
  if (message.carouselMessage) {
    view.cards = (message.carouselMessage.cards ?? []).map((card) => {
      const cardHeader = headerOf(card.header);
      return {
        ...(cardHeader ? { header: cardHeader } : {}),
        ...(card.body?.text ? { body: card.body.text } : {}),
        ...(card.footer?.text ? { footer: card.footer.text } : {}),
        buttons: nativeFlowButtons(card.nativeFlowMessage),
      };
    });
  }
  return view;
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
  if (context?.isForwarded) {
    view.isForwarded = true;
    if (context.forwardingScore) view.forwardingScore = context.forwardingScore;
  }
  const text = textOf(content);
  if (text !== undefined) {
    view.type = 'text';
    view.text = text;
    const ext = content.extendedTextMessage;
    if (ext?.matchedText || ext?.title) {
      view.linkPreview = {
        ...(ext.matchedText ? { matchedText: ext.matchedText } : {}),
        ...(ext.title ? { title: ext.title } : {}),
        ...(ext.description ? { description: ext.description } : {}),
        hasThumbnail: Boolean(ext.jpegThumbnail?.length),
      };
    }
    if (ext?.backgroundArgb || ext?.font) {
      view.textStyle = {
        ...(ext.backgroundArgb ? { backgroundArgb: ext.backgroundArgb } : {}),
        ...(ext.font ? { font: ext.font } : {}),
      };
    }
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
        ptt?: boolean | null;
        seconds?: number | null;
        width?: number | null;
        height?: number | null;
      };
      if (info.caption) {
        view.caption = info.caption;
      }
      view.media = {
        ...(info.mimetype ? { mimetype: info.mimetype } : {}),
        ...(info.fileLength != null ? { fileLength: Number(info.fileLength.toString()) } : {}),
        ...(info.fileName ? { fileName: info.fileName } : {}),
        ...(info.ptt ? { ptt: true } : {}),
        ...(info.seconds ? { seconds: info.seconds } : {}),
        ...(info.width ? { width: info.width } : {}),
        ...(info.height ? { height: info.height } : {}),
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
  if (content.pinInChatMessage) {
    const pin = content.pinInChatMessage;
    const seconds = content.messageContextInfo?.messageAddOnDurationInSecs;
    view.type = 'pin';
    view.pin = {
      messageId: pin.key?.id ?? '',
      // PinInChat.Type: 1 PIN_FOR_ALL, 2 UNPIN_FOR_ALL
      action: Number(pin.type) === 2 ? 'unpin' : 'pin',
      ...(seconds ? { seconds } : {}),
    };
    return view;
  }
  if (content.interactiveMessage) {
    view.type = 'interactive';
    view.interactive = interactiveView(content.interactiveMessage);
    return view;
  }
  const event = eventViewOf(content);
  if (event) {
    view.type = 'event';
    view.event = event;
  }
  return view;
}

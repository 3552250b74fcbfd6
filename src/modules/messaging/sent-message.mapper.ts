import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import type { StoredMediaBlock } from '@wharf/modules/media/media-store.service';
import {
  eventOfOutgoing,
  type InboundMedia,
  type InboundMessage,
  type MessageType,
  type OutgoingContent,
  renderEvent,
} from '@wharf/whatsapp';

import type { Message } from './entities/message.entity';
import { toExchangeData, withExchangeCopies, withStatusCopies } from './message-event.mapper';
import type { SendRequest } from './send-request';

/**
 * The outgoing side of the D7 message model: the `content` string a send stores, and the
 * `message.exchange` / `message.status` data published for a sent row. Pure functions of the
 * row; the outbound processor publishes what they return.
 */

/**
 * The D7 `content` string of an outgoing message: the text; for a location
 * `📍 name\naddress\nLat: …, Long: …`; for a poll the question and the numbered options; for
 * media the caption (`""` without one, and for stickers); for a status its text or caption.
 */
export function renderContent(content: OutgoingContent): string {
  switch (content.kind) {
    case 'text':
      return content.text;
    case 'location':
      return [
        content.name ? `📍 ${content.name}` : '📍',
        content.address,
        `Lat: ${content.latitude}, Long: ${content.longitude}`,
      ]
        .filter(Boolean)
        .join('\n');
    case 'poll':
      return [
        content.name,
        ...content.options.map((option, index) => `${index + 1}. ${option}`),
      ].join('\n');
    case 'contact':
    case 'contacts':
      return content.contacts.map((contact) => contact.displayName).join(', ');
    case 'reaction':
      return content.emoji;
    case 'forward':
      return content.text;
    case 'edit':
      return content.text;
    case 'pin':
      return '';
    case 'buttons':
    case 'list':
      return content.text;
    case 'media':
      return content.caption ?? '';
    case 'sticker':
      return '';
    case 'event':
      return renderEvent(eventOfOutgoing(content));
    case 'status':
      return content.content.kind === 'text'
        ? content.content.text
        : (content.content.caption ?? '');
    case 'interactive':
      switch (content.flow.type) {
        case 'carousel':
          return `${content.flow.text} - Carousel with ${content.flow.cards.length} card(s)`;
        case 'form':
          return content.flow.text;
        case 'pix':
          return `PIX key ${content.flow.pixKeyType}: ${content.flow.pixKey}`;
      }
  }
}

/**
 * The D7 `interactive` block of an outgoing buttons/list/interactive message: the sent structure
 * (docs/API.md field names), or null for other kinds.
 */
export function sentInteractive(content: OutgoingContent): Record<string, unknown> | null {
  if (content.kind === 'buttons') {
    return {
      type: 'buttons',
      text: content.text,
      title: content.title ?? null,
      footer: content.footer ?? null,
      buttons: content.buttons,
    };
  }
  if (content.kind === 'list') {
    return {
      type: 'list',
      text: content.text,
      title: content.title ?? null,
      footer: content.footer ?? null,
      buttonText: content.buttonText,
      sections: content.sections,
    };
  }
  if (content.kind === 'interactive') return { ...content.flow };
  return null;
}

/**
 * A sent row as the domain message the inbound side would have made of it (`fromMe`), with the
 * typed blocks of its content: location, contacts, reaction, poll. `row.request` must be loaded.
 */
export function sentMessageOf(row: Message): InboundMessage {
  const { content } = row.request as unknown as SendRequest;
  const media = (row.payload.media as InboundMedia | undefined) ?? null;
  return {
    id: row.messageId,
    chatJid: row.chatJid,
    chatJidAlt: row.chatLid,
    senderJid: row.senderJid,
    senderJidAlt: null,
    fromMe: true,
    pushName: null,
    timestamp: row.timestamp,
    type: media?.type ?? (row.type as MessageType),
    content: row.content,
    isForwarded: content.kind === 'forward',
    context:
      row.quotedId || row.mentions.length
        ? {
            quotedMessageId: row.quotedId,
            quotedContent: null,
            quotedSender: null,
            mentions: row.mentions,
          }
        : null,
    media,
    location:
      content.kind === 'location'
        ? {
            latitude: content.latitude,
            longitude: content.longitude,
            name: content.name ?? null,
            address: content.address ?? null,
          }
        : null,
    contacts: content.kind === 'contact' || content.kind === 'contacts' ? content.contacts : null,
    reaction:
      content.kind === 'reaction'
        ? { messageId: content.target.messageId, emoji: content.emoji }
        : null,
    poll:
      content.kind === 'poll'
        ? { name: content.name, options: content.options, selectableCount: content.selectableCount }
        : null,
    pollUpdate: null,
    edit:
      content.kind === 'edit'
        ? { originalId: content.target.messageId, newContent: content.text }
        : null,
    revoke: null,
    interactive: null,
    raw: {},
  };
}

/**
 * The outgoing `message.exchange` data of a sent row (D7), with the D15 `downloadUrl`/`s3Url` of
 * its stored media and the `interactive` block of what was sent. `row.request` must be loaded.
 */
export function sentExchangeData(instance: Instance, row: Message): Record<string, unknown> {
  const stored = row.payload.media as StoredMediaBlock | undefined;
  const content = (row.request as unknown as SendRequest).content;
  const data = toExchangeData(sentMessageOf(row), {
    direction: 'outgoing',
    source: row.source,
    ownJid: instance.numberJid,
    previousContent: previousContentOf(row),
    ...(stored?.downloadUrl
      ? {
          mediaExtra: {
            downloadUrl: stored.downloadUrl,
            ...(stored.s3Url ? { s3Url: stored.s3Url } : {}),
          },
        }
      : {}),
  });
  const interactive = sentInteractive(content);
  return withExchangeCopies(
    interactive
      ? { ...data, message: { ...(data.message as Record<string, unknown>), interactive } }
      : data,
    content.kind === 'event' ? { event: eventOfOutgoing(content) } : {},
  );
}

/**
 * D7 `edit.previousContent` of a sent row: the text an edit sent through the API replaced (kept
 * in its request), else null. `row.request` must be loaded.
 */
export function previousContentOf(row: Message): string | null {
  const content = (row.request as unknown as SendRequest | null)?.content;
  return content?.kind === 'edit' ? content.previousContent : null;
}

/** The `message.status` data of a send's own status change (`sent`, or `server_error` with `error`). */
export function sentStatusData(
  instance: Instance,
  row: Message,
  status: string,
): Record<string, unknown> {
  return withStatusCopies({
    messageIds: [row.messageId],
    status,
    chat: { jid: row.chatJid, type: row.chatJid.endsWith('@g.us') ? 'group' : 'private' },
    recipient: { jid: row.chatJid },
    sender: { jid: instance.numberJid },
    timestamp: new Date().toISOString(),
    message: { id: row.messageId, status },
    ...(row.error ? { error: row.error } : {}),
  });
}

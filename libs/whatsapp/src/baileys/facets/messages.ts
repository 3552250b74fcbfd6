import type { Readable } from 'node:stream';

import type { AnyMessageContent, WAMessage, WAMessageKey, WASocket } from 'baileys';

import { MediaUnavailableError, SessionNotConnectedError } from '../../errors';
import type { MessagesFacet, ReadKey } from '../../facets';
import type {
  OutgoingContent,
  OutgoingEvent,
  OutgoingMedia,
  ReactionTarget,
  SendOptions,
} from '../../messages';
import type { SentMessage } from '../../types';
import { statusCodeOf } from '../close-reason';
import { EVENT_CREATION_NODE, eventMessageExtras, toEngineEvent } from '../event-message';
import { isRelayedContent, nativeFlowBizNode, toInteractiveMessage } from '../interactive';
import { type BaileysModule, loadBaileys } from '../loader';
import { toInboundMessage } from '../message-mapper';
import { reviveMessage } from '../poll-votes';
import type { BaileysFacetContext } from './context';

/**
 * {@link MessagesFacet} on a Baileys socket: content mapping (`toEngineContent`), interactive
 * messages relayed with their `<biz>` node, read receipts, and media download with one
 * re-upload request when the CDN copy expired (D15).
 */
export class BaileysMessages implements MessagesFacet {
  constructor(private readonly ctx: BaileysFacetContext) {}

  async sendText(toJid: string, text: string): Promise<SentMessage> {
    const sent = await this.ctx.socket().sendMessage(toJid, { text });
    const id = sent?.key.id;
    if (!id) {
      throw new Error('WhatsApp engine returned no message id');
    }
    return { id, timestamp: timestampOf(sent.messageTimestamp) };
  }

  async send(
    toJid: string,
    content: OutgoingContent,
    options: SendOptions = {},
  ): Promise<SentMessage> {
    const sock = this.ctx.socket();
    const b = await loadBaileys();
    const quoted = options.quoted
      ? (JSON.parse(JSON.stringify(options.quoted), b.BufferJSON.reviver) as WAMessage)
      : undefined;
    if (isRelayedContent(content)) {
      const message = await toInteractiveMessage(content, (media) => {
        if (!media.data) throw new Error('header media was not downloaded');
        const bytes = Buffer.from(media.data);
        const upload = { upload: sock.waUploadToServer, logger: this.ctx.engineLog, jid: toJid };
        const extra = { ...(media.mimetype ? { mimetype: media.mimetype } : {}) };
        switch (media.type) {
          case 'image':
            return b.prepareWAMessageMedia({ image: bytes, ...extra }, upload);
          case 'video':
            return b.prepareWAMessageMedia({ video: bytes, ...extra }, upload);
          case 'document':
            return b.prepareWAMessageMedia(
              {
                document: bytes,
                mimetype: media.mimetype ?? 'application/octet-stream',
                fileName: media.fileName ?? 'file',
              },
              upload,
            );
        }
      });
      return this.relayBuilt(b, sock, toJid, message, options, quoted);
    }
    if (content.kind === 'event') return this.sendEvent(b, sock, toJid, content, options, quoted);
    const engineContent =
      content.kind === 'forward'
        ? // By reference: Baileys copies the content (media keeps its CDN file) and marks it forwarded.
          { forward: reviveMessage(b, content.message) }
        : toEngineContent(content, options.mentions);
    const sent = await sock.sendMessage(toJid, engineContent, {
      messageId: options.messageId,
      quoted,
      ...(content.kind === 'status'
        ? {
            statusJidList: content.statusJidList,
            backgroundColor: content.backgroundColor,
            font: content.font,
          }
        : {}),
    });
    const id = sent?.key.id;
    if (!id) {
      throw new Error('WhatsApp engine returned no message id');
    }
    const raw = JSON.parse(JSON.stringify(sent, b.BufferJSON.replacer)) as Record<string, unknown>;
    const media = toInboundMessage(sent, this.ctx.me()?.jid ?? null, raw)?.media ?? undefined;
    return { id, timestamp: timestampOf(sent.messageTimestamp), raw, ...(media ? { media } : {}) };
  }

  async read(keys: ReadKey[]): Promise<void> {
    await this.ctx.socket().readMessages(
      keys.map((key) => ({
        remoteJid: key.chatJid,
        id: key.id,
        participant: key.participant ?? undefined,
        fromMe: false,
      })),
    );
  }

  generateId(): string {
    const b = this.ctx.baileys();
    if (!b) {
      throw new SessionNotConnectedError();
    }
    return b.generateMessageIDV2(this.ctx.me()?.jid);
  }

  /**
   * Downloads and decrypts a message's media with Baileys' `downloadMediaMessage` through the
   * session's download dispatcher (sandbox CA or proxy). A 404/410 from the CDN (expired URL)
   * asks the phone to upload the file again (`updateMediaMessage`) and retries once.
   * @throws SessionNotConnectedError, MediaUnavailableError
   */
  async downloadMedia(raw: Record<string, unknown>): Promise<Readable> {
    const sock = this.ctx.socket();
    const b = await loadBaileys();
    let message = reviveMessage(b, raw);
    const content = b.extractMessageContent(message.message);
    const kind = content ? b.getContentType(content) : undefined;
    const media = kind ? (content as Record<string, unknown>)[kind] : undefined;
    if (!media || typeof media !== 'object' || !('mediaKey' in media)) {
      throw new MediaUnavailableError('The message has no media');
    }
    const options = { options: { dispatcher: this.ctx.mediaDispatcher() } as RequestInit };
    try {
      return await b.downloadMediaMessage(message, 'stream', options);
    } catch (error) {
      const status = statusCodeOf(error as Error) ?? (error as { status?: number }).status;
      if (status !== 404 && status !== 410) {
        throw new MediaUnavailableError(`Media download failed: ${(error as Error).message}`);
      }
      this.ctx.log.info(
        { messageId: message.key.id },
        'media expired on the CDN; asking for a re-upload',
      );
      try {
        message = await sock.updateMediaMessage(message);
        return await b.downloadMediaMessage(message, 'stream', options);
      } catch (retryError) {
        throw new MediaUnavailableError(
          `Media download failed after re-upload: ${(retryError as Error).message}`,
        );
      }
    }
  }

  /**
   * Sends a hand-built message (interactive/native flow) with `relayMessage`, keeping the
   * pre-generated id (D14) and the quote, with the `<biz>` node WhatsApp needs to render it.
   */
  private async relayBuilt(
    b: BaileysModule,
    sock: WASocket,
    toJid: string,
    message: Awaited<ReturnType<typeof toInteractiveMessage>>,
    options: SendOptions,
    quoted: WAMessage | undefined,
  ): Promise<SentMessage> {
    const full = b.generateWAMessageFromContent(toJid, message, {
      userJid: sock.user?.id ?? this.ctx.me()?.jid ?? '',
      quoted,
      messageId: options.messageId ?? b.generateMessageIDV2(sock.user?.id),
    });
    const id = full.key.id!;
    await sock.relayMessage(toJid, full.message!, {
      messageId: id,
      additionalNodes: [nativeFlowBizNode(Math.floor(Date.now() / 1000))],
    });
    const raw = JSON.parse(JSON.stringify(full, b.BufferJSON.replacer)) as Record<string, unknown>;
    return { id, timestamp: timestampOf(full.messageTimestamp), raw };
  }

  /**
   * Sends an event message (D25): Baileys builds the `eventMessage` and its `messageSecret`, the
   * fields its builder lacks ({@link eventMessageExtras}) and the mentions are merged in, and the
   * message is relayed with the `<meta event_type="creation">` node Baileys' `sendMessage` adds.
   */
  private async sendEvent(
    b: BaileysModule,
    sock: WASocket,
    toJid: string,
    content: OutgoingEvent,
    options: SendOptions,
    quoted: WAMessage | undefined,
  ): Promise<SentMessage> {
    const full = await b.generateWAMessage(
      toJid,
      { event: toEngineEvent(content) },
      {
        userJid: sock.user?.id ?? this.ctx.me()?.jid ?? '',
        quoted,
        messageId: options.messageId ?? b.generateMessageIDV2(sock.user?.id),
        upload: sock.waUploadToServer,
        logger: this.ctx.engineLog,
      },
    );
    const event = full.message!.eventMessage!;
    Object.assign(event, eventMessageExtras(content));
    if (options.mentions?.length)
      event.contextInfo = { ...event.contextInfo, mentionedJid: options.mentions };
    const id = full.key.id!;
    await sock.relayMessage(toJid, full.message!, {
      messageId: id,
      additionalNodes: [EVENT_CREATION_NODE],
    });
    const raw = JSON.parse(JSON.stringify(full, b.BufferJSON.replacer)) as Record<string, unknown>;
    return { id, timestamp: timestampOf(full.messageTimestamp), raw };
  }
}

function timestampOf(value: unknown): Date {
  if (typeof value === 'number') {
    return new Date(value * 1000);
  }
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function') {
    return new Date((value as { toNumber(): number }).toNumber() * 1000);
  }
  return new Date();
}

/** The engine's message content for a domain {@link OutgoingContent}. */
function toEngineContent(
  content: OutgoingContent,
  mentions: string[] | undefined,
): AnyMessageContent {
  switch (content.kind) {
    case 'text':
      return content.linkPreview
        ? {
            text: content.text,
            mentions,
            linkPreview: {
              'canonical-url': content.linkPreview.canonicalUrl,
              'matched-text': content.linkPreview.matchedText,
              title: content.linkPreview.title,
              description: content.linkPreview.description,
              jpegThumbnail: content.linkPreview.jpegThumbnailBase64
                ? Buffer.from(content.linkPreview.jpegThumbnailBase64, 'base64')
                : undefined,
            },
          }
        : // null: no preview unless asked (Baileys would otherwise try to build one itself)
          { text: content.text, mentions, linkPreview: null };
    case 'location':
      return {
        location: {
          degreesLatitude: content.latitude,
          degreesLongitude: content.longitude,
          name: content.name,
          address: content.address,
        },
      };
    case 'poll':
      return {
        poll: {
          name: content.name,
          values: content.options,
          selectableCount: content.selectableCount,
        },
      };
    case 'contact':
    case 'contacts':
      return {
        contacts: {
          displayName: content.contacts.map((c) => c.displayName).join(', '),
          contacts: content.contacts.map((c) => ({ displayName: c.displayName, vcard: c.vcard })),
        },
      };
    case 'reaction':
      return { react: { text: content.emoji, key: keyOf(content.target) } };
    case 'edit':
      // protocolMessage MESSAGE_EDIT, stanza attr edit="1" (docs/API.md §3.3 `edit`).
      return { text: content.text, edit: keyOf(content.target) };
    case 'pin':
      // pinInChatMessage, type 1 pin / 2 unpin, stanza attr edit="2" (docs/API.md §3.3 `pinMessage`).
      return content.pin
        ? { pin: keyOf(content.target), type: 1, time: content.seconds }
        : { pin: keyOf(content.target), type: 2 };
    case 'buttons':
    case 'list':
    case 'interactive':
    case 'event':
    case 'forward':
      throw new Error(`${content.kind} messages are relayed, not built by the engine`);
    case 'media':
      return mediaContent(content, mentions);
    case 'sticker':
      return { sticker: Buffer.from(content.base64, 'base64'), mimetype: content.mimeType };
    case 'status':
      return content.content.kind === 'text'
        ? { text: content.content.text }
        : mediaContent(content.content, undefined);
  }
}

/** The engine key of a message a reaction, edit or pin targets. */
function keyOf(target: ReactionTarget): WAMessageKey {
  return {
    remoteJid: target.chatJid,
    id: target.messageId,
    fromMe: target.fromMe,
    ...(target.participant ? { participant: target.participant } : {}),
  };
}

/** Baileys content of an image, video, document or audio send (bytes decoded from base64). */
function mediaContent(media: OutgoingMedia, mentions: string[] | undefined): AnyMessageContent {
  const bytes = Buffer.from(media.base64, 'base64');
  switch (media.mediaType) {
    case 'image':
      return { image: bytes, caption: media.caption, mimetype: media.mimeType, mentions };
    case 'video':
      return {
        video: bytes,
        caption: media.caption,
        mimetype: media.mimeType,
        mentions,
        ...(media.seconds !== undefined ? { seconds: media.seconds } : {}),
      };
    case 'document':
      return {
        document: bytes,
        mimetype: media.mimeType,
        fileName: media.fileName,
        caption: media.caption,
      };
    case 'audio':
      // `waveform` is not in Baileys' type but is copied into the audioMessage like `seconds`.
      return {
        audio: bytes,
        mimetype: media.mimeType,
        ptt: media.ptt ?? false,
        ...(media.seconds !== undefined ? { seconds: media.seconds } : {}),
        ...(media.waveform ? { waveform: Uint8Array.from(media.waveform) } : {}),
      };
  }
}

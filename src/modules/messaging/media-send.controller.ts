import { EntityManager } from '@mikro-orm/core';
import { Body, Post } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { InstanceNotConnectedError } from '@wharf/modules/session/session-errors';
import type { InboundMedia, OutgoingMedia } from '@wharf/whatsapp';

import {
  mediaRequestOf,
  statusContent,
  statusInnerOf,
  stickerContent,
  stickerSourceOf,
} from './content/media.mapper';
import { recipientJidOf } from './content/recipient.mapper';
import {
  SendMediaDto,
  SendMediaResponseDto,
  SendStatusDto,
  SendStickerDto,
} from './dto/send-media.dto';
import { Message } from './entities/message.entity';
import { MediaPrepareService } from './media-prepare.service';
import {
  InvalidNumberError,
  MediaConversionError,
  MediaFetchFailedError,
  NotImplementedYetError,
} from './messaging.errors';
import { SendService } from './send.service';
import {
  exampleOf,
  recipientOf,
  respond,
  SEND_ERRORS,
  SendHeaders,
  type SendHttp,
  sendOptionsOf,
  SendRoutes,
} from './send-http';

/** The status pseudo-chat (docs/API.md §3.2 `POST /api/message/status`). */
export const STATUS_JID = 'status@broadcast';
/** Most contacts a status is addressed to (the newest chats first). */
const MAX_STATUS_RECIPIENTS = 1000;

// `replyPrivate` / `mentionAll` answer 501 on media and stickers (never silently ignored).
const MEDIA_ERRORS = [
  ...SEND_ERRORS,
  MediaFetchFailedError,
  MediaConversionError,
  NotImplementedYetError,
];
const STATUS_ERRORS = MEDIA_ERRORS.filter(
  (error) =>
    error !== InvalidNumberError &&
    error !== NotImplementedYetError &&
    error.name !== 'NumberRequired',
);

/**
 * Media send endpoints of docs/API.md §3.2 — `media`, `sticker` and `status` — on the D14 send path
 * of {@link SendService}. The media is downloaded (D12) or decoded and converted in the HTTP
 * request by {@link MediaPrepareService} before anything is stored, so bad input answers 400
 * and changes nothing; the prepared bytes are stored with the row until the send resolves.
 */
@SendRoutes()
export class MediaSendController {
  constructor(
    private readonly sends: SendService,
    private readonly media: MediaPrepareService,
    private readonly em: EntityManager,
  ) {}

  @Post('media/:instance')
  @ApiSuccess({
    summary: 'Send an image, video, document or audio',
    description:
      'Exactly one of `mediaUrl` (downloaded under D12: public addresses only unless `ALLOW_PRIVATE_TARGETS`, at most 3 redirects, `MEDIA_MAX_BYTES`, 60 s) and `mediaBase64` (a `data:` prefix is accepted). `mimeType` is detected when absent. Audio is sent as a voice note by default (`isVoice`), converted to OGG/Opus, with `data.mediaDuration`. Deprecated aliases (D22): `type`/`mediatype`, `caption`, `mimetype`, `media`.',
    type: SendMediaResponseDto,
    example: exampleOf('audio', '', 'Media message sent successfully', undefined, {
      mediaUrl: 'https://mmg.whatsapp.net/v/t62.7117-24/…',
      mediaMimeType: 'audio/ogg; codecs=opus',
      mediaSize: 48213,
      mediaDuration: 12,
    }),
  })
  @ApiErrors(...MEDIA_ERRORS)
  async sendMedia(
    @InstanceParam() instance: Instance,
    @Body() body: SendMediaDto,
    @SendHeaders() http: SendHttp,
  ): Promise<SendMediaResponseDto> {
    const { request, mentions } = mediaRequestOf(body);
    assertSendable(instance, body.number);
    const prepared = await this.media.prepareMedia(request);
    const outcome = await this.sends.send(instance, recipientOf(body), prepared, {
      ...sendOptionsOf(body, http),
      mentions,
    });
    return respond(http, outcome, 'Media message sent successfully', (row) =>
      mediaData(row, prepared),
    );
  }

  @Post('sticker/:instance')
  @ApiSuccess({
    summary: 'Send a sticker',
    description:
      '`imageUrl` is a PNG, JPEG or GIF URL (downloaded under D12) or a `data:` base64 URL; it is converted to WebP 512×512 (fit `contain`, transparent background). No `content` in the answer.',
    type: SendMediaResponseDto,
    example: exampleOf('sticker', '', 'Sticker sent successfully', undefined, {
      content: undefined,
      mediaUrl: 'https://mmg.whatsapp.net/v/t62.15575-24/…',
      mediaMimeType: 'image/webp',
      mediaSize: 18342,
    }),
  })
  @ApiErrors(...MEDIA_ERRORS)
  async sendSticker(
    @InstanceParam() instance: Instance,
    @Body() body: SendStickerDto,
    @SendHeaders() http: SendHttp,
  ): Promise<SendMediaResponseDto> {
    const source = stickerSourceOf(body);
    assertSendable(instance, body.number);
    const webp = await this.media.prepareSticker(source);
    const outcome = await this.sends.send(
      instance,
      recipientOf(body),
      stickerContent(webp),
      sendOptionsOf(body, http),
    );
    return respond(http, outcome, 'Sticker sent successfully', (row) => {
      const media = row.payload.media as InboundMedia | undefined;
      return {
        content: undefined,
        ...(media?.url ? { mediaUrl: media.url } : {}),
        mediaMimeType: 'image/webp',
        mediaSize: media?.size ?? webp.size,
      };
    });
  }

  @Post('status/:instance')
  @ApiSuccess({
    summary: 'Post a status (story, 24 h)',
    description:
      'No `number`: the target is `status@broadcast`, delivered to the contacts the instance has chatted with (newest first, at most 1000). `type` `text` uses `message`, `backgroundColor` and `font`; `image`, `video` and `audio` need `mediaUrl` (downloaded under D12), with `message` as caption.',
    type: SendMediaResponseDto,
    example: exampleOf(
      'text',
      'We are open on Saturday!',
      'Status posted successfully',
      STATUS_JID,
    ),
  })
  @ApiErrors(...STATUS_ERRORS)
  async sendStatus(
    @InstanceParam() instance: Instance,
    @Body() body: SendStatusDto,
    @SendHeaders() http: SendHttp,
  ): Promise<SendMediaResponseDto> {
    const planned = statusInnerOf(body);
    if (instance.state !== 'connected') throw new InstanceNotConnectedError();
    const inner: { kind: 'text'; text: string } | OutgoingMedia =
      planned.kind === 'text' ? planned : await this.media.prepareMedia(planned.request);
    const content = statusContent(body, inner, await this.statusRecipients(instance));
    const outcome = await this.sends.send(
      instance,
      { jid: STATUS_JID },
      content,
      sendOptionsOf(body, http),
    );
    return respond(http, outcome, 'Status posted successfully', (row) =>
      inner.kind === 'media' ? mediaData(row, inner) : {},
    );
  }

  /**
   * The contacts who receive a status: phone JIDs of the instance's 1:1 chats in its message
   * store, newest first (WhatsApp delivers a status to the `statusJidList` the sender names).
   */
  private async statusRecipients(instance: Instance): Promise<string[]> {
    const rows = await this.em
      .fork()
      .find(
        Message,
        { instance: instance.id, chatJid: { $like: '%@s.whatsapp.net' } },
        { fields: ['chatJid'], orderBy: { timestamp: 'desc' }, limit: 20 * MAX_STATUS_RECIPIENTS },
      );
    const own = instance.numberJid;
    const jids = new Set<string>();
    for (const row of rows) {
      if (row.chatJid !== own) jids.add(row.chatJid);
      if (jids.size >= MAX_STATUS_RECIPIENTS) break;
    }
    return [...jids];
  }
}

/** 400 for a bad `number` and 503 when not connected, before any media is downloaded. */
function assertSendable(instance: Instance, number: string): void {
  recipientJidOf(number);
  if (instance.state !== 'connected') throw new InstanceNotConnectedError();
}

/** `data` additions of a media answer (docs/API.md §3.2): CDN URL, MIME type, size, duration. */
function mediaData(row: Message, prepared: OutgoingMedia): Record<string, unknown> {
  const media = row.payload.media as InboundMedia | undefined;
  const seconds = media?.duration ?? prepared.seconds;
  return {
    ...(media?.url ? { mediaUrl: media.url } : {}),
    mediaMimeType: prepared.mimeType,
    mediaSize: media?.size ?? Buffer.byteLength(prepared.base64, 'base64'),
    ...(prepared.mediaType === 'audio' && seconds !== undefined ? { mediaDuration: seconds } : {}),
  };
}

import { Body, Get, Post, Query } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { InstanceController } from '@wharf/common/auth/instance-controller.decorator';
import { ValidationFailedError } from '@wharf/common/errors';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { MediaNotFoundError } from '@wharf/modules/media/media.errors';
import { MediaStoreService } from '@wharf/modules/media/media-store.service';
import { InvalidJidError, normalizeRecipient, withBrazilianVariant } from '@wharf/whatsapp';

import {
  InvalidFromDateError,
  InvalidToDateError,
  MessageIdQueryRequiredError,
  MessageNotFoundError,
  NotAPollError,
} from './chat.errors';
import { ChatReadService } from './chat-read.service';
import {
  ChatHistoryDto,
  ChatHistoryResponseDto,
  MediaBase64ResponseDto,
  PollVotesResponseDto,
} from './dto/chat-read.dto';
import { MessageIdQueryDto } from './dto/message-lookup.dto';

/** ISO 8601 date or date-time (zone optional); anything `Date` would guess at is refused. */
const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

function parseIso(value: string | undefined, error: new () => Error): Date | null {
  if (value === undefined || value === '') return null;
  const date = ISO_8601.test(value.trim()) ? new Date(value.trim()) : null;
  if (!date || Number.isNaN(date.getTime())) throw new error();
  return date;
}

/** `media_type` of chat/base64: voice notes are audio, round videos video (docs/API.md §3.3). */
const BASE64_MEDIA_TYPE: Record<string, string> = {
  image: 'image',
  video: 'video',
  ptv: 'video',
  audio: 'audio',
  ptt: 'audio',
  document: 'document',
  sticker: 'sticker',
};

/** Store-backed chat reads of docs/API.md §3.3: chat/base64, chat/poll, chat/history. */
@InstanceController('api/chat', { tag: 'Chat' })
export class ChatReadController {
  constructor(
    private readonly reads: ChatReadService,
    private readonly media: MediaStoreService,
  ) {}

  @Get('base64/:instance')
  @ApiSuccess({
    summary: 'Media as base64',
    description:
      'The stored (already downloaded, D15) media of a message as base64. Media the ingestion pipeline did not store (MEDIA_AUTO_DOWNLOAD off, larger than MEDIA_STORE_MAX_FILE_BYTES, or deleted after MEDIA_RETENTION_DAYS) answers 404; `GET /api/media/:instance/:messageId` can still fetch it from WhatsApp.',
    type: MediaBase64ResponseDto,
    example: {
      success: true,
      message: 'Base64 retrieved successfully',
      message_id: '3EB08FCF27E532F1B0F5',
      mime_type: 'image/jpeg',
      media_type: 'image',
      base64: 'iVBORw0KGgo...',
    },
  })
  @ApiErrors(MessageIdQueryRequiredError, MediaNotFoundError)
  async base64(
    @InstanceParam() instance: Instance,
    @Query() query: MessageIdQueryDto,
  ): Promise<MediaBase64ResponseDto> {
    if (!query.messageId) throw new MessageIdQueryRequiredError();
    const stored = await this.media.readStored(instance.id, query.messageId);
    if (!stored) throw new MediaNotFoundError();
    return {
      success: true,
      message: 'Base64 retrieved successfully',
      message_id: query.messageId,
      mime_type: stored.media.mimetype ?? 'application/octet-stream',
      media_type:
        BASE64_MEDIA_TYPE[stored.type] ?? BASE64_MEDIA_TYPE[stored.media.type] ?? 'document',
      base64: stored.bytes.toString('base64'),
    };
  }

  @Get('poll/:instance')
  @ApiSuccess({
    summary: 'Poll votes',
    description:
      'The tally of a poll sent or received by the instance, from the stored votes (decrypted with the poll’s secret). Each voter’s latest vote counts. `optionHash` is the SHA-256 of the option name in upper-case hex; `senderJid` is the voter’s number.',
    type: PollVotesResponseDto,
    example: {
      success: true,
      message: 'Poll votes retrieved successfully',
      messageId: '3EB08FCF27E532F1B0F5',
      data: {
        messageId: '3EB08FCF27E532F1B0F5',
        name: 'Which flavor?',
        votes: [
          { optionName: 'Chocolate', optionVoteCount: 1 },
          { optionName: 'Vanilla', optionVoteCount: 0 },
        ],
        voteDetails: [
          {
            optionHash: 'A1B2…',
            optionName: 'Chocolate',
            senderJid: '5511999999999',
            voteMessageId: '3EB0A1B2C3D4E5F6A7B8',
            createdAt: '2026-04-28T10:00:00.000Z',
          },
        ],
      },
    },
  })
  @ApiErrors(MessageIdQueryRequiredError, MessageNotFoundError, NotAPollError)
  async poll(
    @InstanceParam() instance: Instance,
    @Query() query: MessageIdQueryDto,
  ): Promise<PollVotesResponseDto> {
    if (!query.messageId) throw new MessageIdQueryRequiredError();
    const data = await this.reads.pollTally(instance, query.messageId);
    return {
      success: true,
      message: 'Poll votes retrieved successfully',
      messageId: query.messageId,
      data,
    };
  }

  @Post('history/:instance')
  @ApiSuccess({
    summary: 'Chat history',
    description:
      'Stored messages of a chat (sent and received since the instance was linked), newest first. No cursor: to page back, send `to` = the oldest `timestamp` received. `hasMore` is true when the page is full. Group items carry `senderJid`. Reads the message store only; WhatsApp is not asked.',
    type: ChatHistoryResponseDto,
    example: {
      success: true,
      message: 'History retrieved successfully',
      messages: [
        {
          messageId: '3EB08FCF27E532F1B0F5',
          direction: 'incoming',
          fromMe: false,
          type: 'text',
          content: 'Hi!',
          from: '5511999999999@s.whatsapp.net',
          to: '5511888888888@s.whatsapp.net',
          chat: '5511999999999@s.whatsapp.net',
          timestamp: '2026-04-28T14:30:00.000Z',
          isGroup: false,
          status: 'delivered',
        },
      ],
      count: 1,
      hasMore: false,
      chat_jid: '5511999999999@s.whatsapp.net',
    },
  })
  @ApiErrors(ValidationFailedError, InvalidFromDateError, InvalidToDateError)
  async history(
    @InstanceParam() instance: Instance,
    @Body() body: ChatHistoryDto,
  ): Promise<ChatHistoryResponseDto> {
    let chatJid: string;
    try {
      chatJid = normalizeRecipient(body.number);
    } catch (error) {
      if (!(error instanceof InvalidJidError)) throw error;
      throw new ValidationFailedError('Invalid request body: number is not a phone number or JID', [
        { field: 'number', message: 'number is not a phone number or JID' },
      ]);
    }
    const from = parseIso(body.from, InvalidFromDateError);
    const to = parseIso(body.to, InvalidToDateError);
    const count = body.count ?? 50;
    const { messages, hasMore } = await this.reads.history(
      instance,
      withBrazilianVariant(chatJid),
      count,
      from,
      to,
    );
    return {
      success: true,
      message: 'History retrieved successfully',
      messages,
      count: messages.length,
      hasMore,
      chat_jid: chatJid,
    };
  }
}

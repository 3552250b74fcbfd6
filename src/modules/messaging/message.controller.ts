import { Body, Controller, Headers, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import {
  InvalidJidError,
  normalizeRecipient,
  type OutgoingContent,
  toPhoneJid,
} from '@wharf/whatsapp';
import type { FastifyReply } from 'fastify';

import { Auth, InstanceParam, OwnsInstance } from '../../common/auth/auth.decorator';
import {
  DomainError,
  fixedError,
  InvalidBodyError,
  ValidationFailedError,
} from '../../common/errors';
import { ApiErrors } from '../../common/openapi/api-errors.decorator';
import { ApiSuccess } from '../../common/openapi/api-success.decorator';
import { SPEC_LITERALS } from '../../common/validation/spec-literals';
import type { Instance } from '../instance/entities/instance.entity';
import { InstanceNotConnectedError } from '../session/session-errors';
import { SendCommonDto, SendLocationDto, SendPollDto } from './dto/send-more.dto';
import { SendMessageResponseDto, SendTextDto } from './dto/send-text.dto';
import type { Message } from './entities/message.entity';
import { IdempotencyConflictError, SendPipelineService } from './send-pipeline.service';

export class InvalidNumberError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'INVALID_NUMBER',
  'Invalid phone number or JID',
) {}
export class NotImplementedYetError extends DomainError {
  constructor(field: string) {
    super(HttpStatus.NOT_IMPLEMENTED, 'NOT_IMPLEMENTED', `${field} is not implemented yet`);
  }
}

const SEND_ERRORS = [
  InvalidBodyError,
  { ...ValidationFailedError, literal: SPEC_LITERALS.numberRequired, name: 'NumberRequired' },
  ValidationFailedError,
  InvalidNumberError,
  InstanceNotConnectedError,
  IdempotencyConflictError,
  {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    code: 'SEND_FAILED',
    literal: 'Failed to send message: <reason>',
    name: 'SendFailed',
  },
];

const exampleOf = (
  messageType: string,
  content: string,
  message: string,
  chat = '5511999999999@s.whatsapp.net',
) => ({
  success: true,
  message,
  status: 'sent',
  messageId: '3EB08FCF27E532F1B0F5',
  data: {
    messageId: '3EB08FCF27E532F1B0F5',
    timestamp: '2026-04-28T10:30:00.000Z',
    direction: 'outgoing',
    chat: { jid: chat },
    messageType,
    content,
  },
});

/**
 * Send endpoints of API.md §3.2 on the D14 send path: each answers 200 `sent` after the engine
 * accepted the message, or 202 `queued` with `Prefer: respond-async`; `Idempotency-Key` makes a
 * retry safe. Text, location and poll so far; the other types follow.
 */
@ApiTags('Messages')
@Controller('api/message')
@ApiHeader({
  name: 'Prefer',
  required: false,
  description: '`respond-async`: answer 202 at once with `status: "queued"` (D14)',
})
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'Same key and body within 24 h returns the first response (D14)',
})
export class MessageController {
  constructor(private readonly pipeline: SendPipelineService) {}

  @Post('text/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
  @ApiSuccess({
    summary: 'Send text',
    description:
      'A contact, a group (`@g.us`) or a channel (`@newsletter`). `text` is accepted as an alias of `message` (D22).',
    type: SendMessageResponseDto,
    example: exampleOf('text', 'Hello', 'Text message sent successfully'),
  })
  @ApiErrors(...SEND_ERRORS)
  async text(
    @InstanceParam() instance: Instance,
    @Body() body: SendTextDto,
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    for (const field of ['linkPreview', 'replyPrivate', 'mentionAll'] as const)
      if (body[field]) throw new NotImplementedYetError(field);
    const mentions = recipients(() => body.mention?.map((number) => toPhoneJid(number)));
    const content: OutgoingContent = { kind: 'text', text: body.message ?? body.text ?? '' };
    return this.dispatch(instance, body, content, {
      prefer,
      idempotencyKey,
      reply,
      mentions,
      sent: 'Text message sent successfully',
    });
  }

  @Post('location/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
  @ApiSuccess({
    summary: 'Send a location card',
    type: SendMessageResponseDto,
    example: exampleOf(
      'location',
      '📍 Head office\nAv. Paulista, 1000\nLat: -23.5613, Long: -46.6565',
      'Location sent successfully',
    ),
  })
  @ApiErrors(...SEND_ERRORS)
  async location(
    @InstanceParam() instance: Instance,
    @Body() body: SendLocationDto,
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    if (body.latitude === 0 && body.longitude === 0) {
      throw new ValidationFailedError('Invalid request body: latitude and longitude are required', [
        { field: 'latitude', message: 'latitude and longitude are required' },
      ]);
    }
    const content: OutgoingContent = {
      kind: 'location',
      latitude: body.latitude,
      longitude: body.longitude,
      name: body.name,
      address: body.address,
    };
    return this.dispatch(instance, body, content, {
      prefer,
      idempotencyKey,
      reply,
      sent: 'Location sent successfully',
    });
  }

  @Post('poll/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
  @ApiSuccess({
    summary: 'Send a poll',
    description:
      'Votes arrive as `message.exchange` events of type `poll_update` referencing the poll.',
    type: SendMessageResponseDto,
    example: exampleOf(
      'poll',
      'Which flavor?\n1. Chocolate\n2. Vanilla',
      'Poll sent successfully',
      '120363406289005073@g.us',
    ),
  })
  @ApiErrors(...SEND_ERRORS)
  async poll(
    @InstanceParam() instance: Instance,
    @Body() body: SendPollDto,
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    const selectableCount = Math.min(Math.max(body.maxAnswer ?? 1, 1), body.options.length);
    const content: OutgoingContent = {
      kind: 'poll',
      name: body.question,
      options: body.options,
      selectableCount,
    };
    return this.dispatch(instance, body, content, {
      prefer,
      idempotencyKey,
      reply,
      sent: 'Poll sent successfully',
    });
  }

  private async dispatch(
    instance: Instance,
    body: SendCommonDto,
    content: OutgoingContent,
    options: {
      prefer?: string;
      idempotencyKey?: string;
      reply: FastifyReply;
      mentions?: string[];
      sent: string;
    },
  ): Promise<SendMessageResponseDto> {
    const chatJid = recipients(() => normalizeRecipient(body.number));
    const async = /\brespond-async\b/i.test(options.prefer ?? '');
    const { row } = await this.pipeline.send(
      instance,
      {
        chatJid,
        content,
        source: body.source ?? 'api',
        delaySeconds: body.delay,
        replyTo: body.replyTo,
        mentions: options.mentions,
      },
      { async, idempotencyKey: options.idempotencyKey?.trim() || undefined },
    );
    const queued = async && (row.status === 'pending' || row.status === 'sending');
    if (queued) void options.reply.status(HttpStatus.ACCEPTED);
    return toSendResponse(
      row,
      queued ? 'Message queued' : options.sent,
      queued ? 'queued' : 'sent',
    );
  }
}

/** Runs a recipient conversion, turning invalid numbers into the 400 of §3.2. */
function recipients<T>(convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof InvalidJidError) throw new InvalidNumberError();
    throw error;
  }
}

function toSendResponse(
  row: Message,
  message: string,
  status: 'sent' | 'queued',
): SendMessageResponseDto {
  return {
    success: true,
    message,
    status,
    messageId: row.messageId,
    data: {
      messageId: row.messageId,
      timestamp: row.timestamp.toISOString(),
      direction: 'outgoing',
      chat: { jid: row.chatJid },
      messageType: row.type,
      content: row.content,
      ...(row.mentions.length ? { mentions: row.mentions } : {}),
      ...(row.quotedId ? { replyTo: row.quotedId } : {}),
    },
  };
}

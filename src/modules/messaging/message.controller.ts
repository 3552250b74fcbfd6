import { Body, Controller, Headers, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { InvalidJidError, normalizeRecipient, toPhoneJid } from '@wharf/whatsapp';
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
import { SendMessageResponseDto, SendTextDto } from './dto/send-text.dto';
import type { Message } from './entities/message.entity';
import {
  IdempotencyConflictError,
  SendFailedError,
  SendPipelineService,
} from './send-pipeline.service';

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

const EXAMPLE_DATA = {
  messageId: '3EB08FCF27E532F1B0F5',
  timestamp: '2026-04-28T10:30:00.000Z',
  direction: 'outgoing',
  chat: { jid: '5511999999999@s.whatsapp.net' },
  messageType: 'text',
  content: 'Hello',
};

/** Send endpoints of API.md §3.2 (D14 send path). Text first; the other types follow. */
@ApiTags('Messages')
@Controller('api/message')
export class MessageController {
  constructor(private readonly pipeline: SendPipelineService) {}

  @Post('text/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
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
  @ApiSuccess({
    summary: 'Send text',
    description:
      'Waits for the send by default (200 `sent`); with `Prefer: respond-async` answers 202 `queued` and the outcome arrives as `message.status`.',
    type: SendMessageResponseDto,
    example: {
      success: true,
      message: 'Text message sent successfully',
      status: 'sent',
      messageId: EXAMPLE_DATA.messageId,
      data: EXAMPLE_DATA,
    },
  })
  @ApiErrors(
    InvalidBodyError,
    { ...ValidationFailedError, literal: SPEC_LITERALS.numberRequired, name: 'NumberRequired' },
    ValidationFailedError,
    InvalidNumberError,
    InstanceNotConnectedError,
    IdempotencyConflictError,
    {
      ...SendFailedError,
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'SEND_FAILED',
      literal: 'Failed to send message: <reason>',
      name: 'SendFailed',
    },
  )
  async text(
    @InstanceParam() instance: Instance,
    @Body() body: SendTextDto,
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    for (const field of ['linkPreview', 'replyPrivate', 'mentionAll'] as const)
      if (body[field]) throw new NotImplementedYetError(field);
    const text = body.message ?? body.text ?? '';
    let chatJid: string;
    let mentions: string[] | undefined;
    try {
      chatJid = normalizeRecipient(body.number);
      mentions = body.mention?.map((number) => toPhoneJid(number));
    } catch (error) {
      if (error instanceof InvalidJidError) throw new InvalidNumberError();
      throw error;
    }
    const async = /\brespond-async\b/i.test(prefer ?? '');
    const { row } = await this.pipeline.sendText(
      instance,
      {
        chatJid,
        text,
        source: body.source ?? 'api',
        delaySeconds: body.delay,
        replyTo: body.replyTo,
        mentions,
      },
      { async, idempotencyKey: idempotencyKey?.trim() || undefined },
    );
    const queued = async && (row.status === 'pending' || row.status === 'sending');
    if (queued) void reply.status(HttpStatus.ACCEPTED);
    return toSendResponse(
      row,
      queued ? 'Message queued' : 'Text message sent successfully',
      queued ? 'queued' : 'sent',
    );
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

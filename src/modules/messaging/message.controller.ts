import { Body, Headers, Post, Res } from '@nestjs/common';
import { type OutgoingContent, toPhoneJid } from '@wharf/whatsapp';
import type { FastifyReply } from 'fastify';

import { Auth, InstanceParam, OwnsInstance } from '../../common/auth/auth.decorator';
import { ValidationFailedError } from '../../common/errors';
import { ApiErrors } from '../../common/openapi/api-errors.decorator';
import { ApiSuccess } from '../../common/openapi/api-success.decorator';
import type { Instance } from '../instance/entities/instance.entity';
import { SendLocationDto, SendPollDto } from './dto/send-more.dto';
import { SendMessageResponseDto, SendTextDto } from './dto/send-text.dto';
import { exampleOf, recipients, SEND_ERRORS, SendDispatcher, SendRoutes } from './send-dispatcher';

/**
 * Send endpoints of API.md §3.2 on the D14 send path: each answers 200 `sent` after the engine
 * accepted the message, or 202 `queued` with `Prefer: respond-async`; `Idempotency-Key` makes a
 * retry safe. Text, location and poll so far; the other types follow.
 */
@SendRoutes()
export class MessageController {
  constructor(private readonly sender: SendDispatcher) {}

  @Post('text/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
  @ApiSuccess({
    summary: 'Send text',
    description:
      "A contact, a group (`@g.us`) or a channel (`@newsletter`). `text` is accepted as an alias of `message` (D22). `linkPreview` attaches a preview of the first URL (fetched under D12; no preview when the page cannot be read). `mentionAll` mentions every group participant silently. `replyPrivate` with a group `number` and `replyTo` sends the reply to the quoted author's private chat.",
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
    const mentions = recipients(() => body.mention?.map((number) => toPhoneJid(number)));
    const content: OutgoingContent = { kind: 'text', text: body.message ?? body.text ?? '' };
    return this.sender.dispatch(instance, body, content, {
      prefer,
      idempotencyKey,
      reply,
      mentions,
      mentionAll: body.mentionAll === true,
      linkPreview: body.linkPreview === true,
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
    return this.sender.dispatch(instance, body, content, {
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
    return this.sender.dispatch(instance, body, content, {
      prefer,
      idempotencyKey,
      reply,
      sent: 'Poll sent successfully',
    });
  }
}

import { Body, Headers, Post, Res } from '@nestjs/common';
import { toPhoneJid } from '@wharf/whatsapp';
import type { FastifyReply } from 'fastify';

import { Auth, InstanceParam, OwnsInstance } from '../../common/auth/auth.decorator';
import { ApiErrors } from '../../common/openapi/api-errors.decorator';
import { ApiSuccess } from '../../common/openapi/api-success.decorator';
import type { Instance } from '../instance/entities/instance.entity';
import { SendEventDto } from './dto/send-event.dto';
import { SendMessageResponseDto } from './dto/send-text.dto';
import { toEventContent } from './event-content';
import { exampleOf, recipients, SEND_ERRORS, SendDispatcher, SendRoutes } from './send-dispatcher';

/**
 * `POST /api/message/event/:instance` (D25; RyzeAPI has it, its catalogue omits it): a WhatsApp
 * event message on the D14 send path like every send — 200 `sent` once the engine accepted it,
 * 202 `queued` with `Prefer: respond-async`, `Idempotency-Key` for safe retries.
 */
@SendRoutes()
export class EventSendController {
  constructor(private readonly sender: SendDispatcher) {}

  @Post('event/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
  @ApiSuccess({
    summary: 'Send an event message',
    description:
      "A WhatsApp event (D25): `name` and `startAt` (ISO 8601 with a zone) are required; `endAt` must be later than `startAt`; `joinLink` is an http(s) URL; `reminderOffsetSec` 0–31,536,000. Invitees' answers arrive as `message.exchange` events of type `event_response`.",
    type: SendMessageResponseDto,
    example: exampleOf(
      'event',
      '📅 Quarterly review\n2026-05-04T17:00:00.000Z – 2026-05-04T18:00:00.000Z',
      'Event message sent successfully',
    ),
  })
  @ApiErrors(...SEND_ERRORS)
  async event(
    @InstanceParam() instance: Instance,
    @Body() body: SendEventDto,
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    const content = toEventContent(body);
    const mentions = recipients(() => body.mention?.map((number) => toPhoneJid(number)));
    return this.sender.dispatch(instance, body, content, {
      prefer,
      idempotencyKey,
      reply,
      mentions,
      mentionAll: body.mentionAll === true,
      sent: 'Event message sent successfully',
    });
  }
}

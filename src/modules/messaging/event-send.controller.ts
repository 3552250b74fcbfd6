import { Body, Post } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { toEventContent } from './content/event.mapper';
import { mentionJidsOf } from './content/recipient.mapper';
import { SendEventDto } from './dto/send-event.dto';
import { SendMessageResponseDto } from './dto/send-text.dto';
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

/**
 * `POST /api/message/event/:instance` (D25; RyzeAPI has it, its catalogue omits it): a WhatsApp
 * event message on the D14 send path like every send — 200 `sent` once the engine accepted it,
 * 202 `queued` with `Prefer: respond-async`, `Idempotency-Key` for safe retries.
 */
@SendRoutes()
export class EventSendController {
  constructor(private readonly sends: SendService) {}

  @Post('event/:instance')
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
    @SendHeaders() http: SendHttp,
  ): Promise<SendMessageResponseDto> {
    const content = toEventContent(body);
    const outcome = await this.sends.send(instance, recipientOf(body), content, {
      ...sendOptionsOf(body, http),
      mentions: mentionJidsOf(body.mention),
      mentionAll: body.mentionAll === true,
    });
    return respond(http, outcome, 'Event message sent successfully');
  }
}

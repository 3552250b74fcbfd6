import { Body, Post } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { locationContent, pollContent, textContent } from './content/message.mapper';
import { mentionJidsOf } from './content/recipient.mapper';
import { SendLocationDto, SendPollDto } from './dto/send-more.dto';
import { SendMessageResponseDto, SendTextDto } from './dto/send-text.dto';
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
 * Send endpoints of docs/API.md §3.2 on the D14 send path: each answers 200 `sent` after the engine
 * accepted the message, or 202 `queued` with `Prefer: respond-async`; `Idempotency-Key` makes a
 * retry safe. Text, location and poll.
 */
@SendRoutes()
export class MessageController {
  constructor(private readonly sends: SendService) {}

  @Post('text/:instance')
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
    @SendHeaders() http: SendHttp,
  ): Promise<SendMessageResponseDto> {
    const mentions = mentionJidsOf(body.mention);
    const outcome = await this.sends.send(instance, recipientOf(body), textContent(body), {
      ...sendOptionsOf(body, http),
      mentions,
      mentionAll: body.mentionAll === true,
      linkPreview: body.linkPreview === true,
    });
    return respond(http, outcome, 'Text message sent successfully');
  }

  @Post('location/:instance')
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
    @SendHeaders() http: SendHttp,
  ): Promise<SendMessageResponseDto> {
    const outcome = await this.sends.send(
      instance,
      recipientOf(body),
      locationContent(body),
      sendOptionsOf(body, http),
    );
    return respond(http, outcome, 'Location sent successfully');
  }

  @Post('poll/:instance')
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
    @SendHeaders() http: SendHttp,
  ): Promise<SendMessageResponseDto> {
    const outcome = await this.sends.send(
      instance,
      recipientOf(body),
      pollContent(body),
      sendOptionsOf(body, http),
    );
    return respond(http, outcome, 'Poll sent successfully');
  }
}

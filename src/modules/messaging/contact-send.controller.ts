import { Body, Post } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import {
  contactContent,
  isReactionRemoval,
  reactionContent,
  reactionTargetOf,
} from './content/contact.mapper';
import { SendContactDto, SendReactionDto } from './dto/send-structured.dto';
import { SendMessageResponseDto } from './dto/send-text.dto';
import { MissingParticipantError } from './messaging.errors';
import { SendService } from './send.service';
import {
  exampleOf,
  respond,
  SEND_ERRORS,
  SendHeaders,
  type SendHttp,
  sendOptionsOf,
  SendRoutes,
} from './send-http';

/**
 * `POST /api/message/contact/:instance` and `POST /api/message/reaction/:instance` (docs/API.md
 * §3.2) on the D14 send path of {@link SendService}.
 */
@SendRoutes()
export class ContactSendController {
  constructor(private readonly sends: SendService) {}

  @Post('contact/:instance')
  @ApiSuccess({
    summary: 'Send contacts',
    description:
      'One vCard is sent as a contact message, several as one contacts-array message. `vcard` may be a single object. The answer repeats `vcard` in `data`; `replyPrivate` has no effect here.',
    type: SendMessageResponseDto,
    example: exampleOf(
      'contacts',
      'Ana Souza, Bruno Lima',
      '2 contacts sent successfully in one message',
      '5511999999999@s.whatsapp.net',
      {
        vcard: [
          { fullName: 'Ana Souza', phone: '5511988887777', organization: 'Acme' },
          { fullName: 'Bruno Lima', phone: '5511977776666' },
        ],
      },
    ),
  })
  @ApiErrors(...SEND_ERRORS)
  async contact(
    @InstanceParam() instance: Instance,
    @Body() body: SendContactDto,
    @SendHeaders() http: SendHttp,
  ): Promise<SendMessageResponseDto> {
    const content = contactContent(body);
    const count = body.vcard.length;
    const vcard = body.vcard.map((card) => ({ ...card }));
    // `replyPrivate` is accepted and has no effect on contacts (docs/API.md §3.2).
    const outcome = await this.sends.send(
      instance,
      { number: body.number },
      content,
      sendOptionsOf(body, http),
    );
    return respond(
      http,
      outcome,
      count > 1
        ? `${count} contacts sent successfully in one message`
        : 'Contact sent successfully',
      () => ({ vcard }),
    );
  }

  @Post('reaction/:instance')
  @ApiSuccess({
    summary: 'React to a message',
    description:
      '`reaction` is an emoji, or `"remove"` to remove this instance\'s reaction. `data.messageId` is the reaction\'s own id, `data.replyTo.messageId` the reacted message. In groups, `participant` (the author) is required unless `fromMe` is true.',
    type: SendMessageResponseDto,
    example: exampleOf('reaction', '👍', 'Reaction sent successfully', undefined, {
      replyTo: { messageId: '3EB0A1B2C3D4E5F60718' },
    }),
  })
  @ApiErrors(...SEND_ERRORS, MissingParticipantError)
  async reaction(
    @InstanceParam() instance: Instance,
    @Body() body: SendReactionDto,
    @SendHeaders() http: SendHttp,
  ): Promise<SendMessageResponseDto> {
    const target = reactionTargetOf(body);
    const chatJid = await this.sends.resolveRecipient(instance, { number: target.chatJid });
    // No delay, replyTo or replyPrivate for reactions (docs/API.md §3.2).
    const outcome = await this.sends.send(
      instance,
      { jid: chatJid },
      reactionContent(body, chatJid, target.participant),
      { source: body.source, async: http.async, idempotencyKey: http.idempotencyKey },
    );
    return respond(
      http,
      outcome,
      isReactionRemoval(body.reaction)
        ? 'Reaction removed successfully'
        : 'Reaction sent successfully',
      () => ({ replyTo: { messageId: body.messageId } }),
    );
  }
}

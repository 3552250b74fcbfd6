import { Body, Headers, HttpStatus, Post, Res } from '@nestjs/common';
import { isGroupJid, normalizeRecipient, type OutgoingContent } from '@wharf/whatsapp';
import type { FastifyReply } from 'fastify';

import { Auth, InstanceParam, OwnsInstance } from '../../common/auth/auth.decorator';
import { fixedError, ValidationFailedError } from '../../common/errors';
import { ApiErrors } from '../../common/openapi/api-errors.decorator';
import { ApiSuccess } from '../../common/openapi/api-success.decorator';
import type { Instance } from '../instance/entities/instance.entity';
import { SendContactDto, SendReactionDto } from './dto/send-structured.dto';
import { SendMessageResponseDto } from './dto/send-text.dto';
import { RecipientResolver } from './recipient-resolver.service';
import { exampleOf, recipients, SEND_ERRORS, SendDispatcher, SendRoutes } from './send-dispatcher';
import { buildVcard } from './vcard';

/** 400 for a group reaction to someone else's message without its author (internal status `missing_participant`). */
export class MissingParticipantError extends fixedError(
  HttpStatus.BAD_REQUEST,
  'MISSING_PARTICIPANT',
  'participant is required to react to a group message not sent by this instance',
) {}

/**
 * `POST /api/message/contact/:instance` and `POST /api/message/reaction/:instance` (API.md
 * §3.2) on the D14 send path of {@link SendDispatcher}.
 */
@SendRoutes()
export class ContactSendController {
  constructor(
    private readonly sender: SendDispatcher,
    private readonly resolver: RecipientResolver,
  ) {}

  @Post('contact/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
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
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    const contacts = body.vcard.map((card, index) => {
      const built = buildVcard(card);
      if (!built) {
        throw new ValidationFailedError(
          `Invalid request body: vcard[${index}] needs fullName or phone`,
          [{ field: `vcard[${index}]`, message: 'needs fullName or phone' }],
        );
      }
      return built;
    });
    const several = contacts.length > 1;
    const content: OutgoingContent = { kind: several ? 'contacts' : 'contact', contacts };
    const vcard = body.vcard.map((card) => ({ ...card }));
    return this.sender.dispatch(instance, body, content, {
      prefer,
      idempotencyKey,
      reply,
      replyPrivate: false,
      sent: several
        ? `${contacts.length} contacts sent successfully in one message`
        : 'Contact sent successfully',
      extraData: () => ({ vcard }),
    });
  }

  @Post('reaction/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
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
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SendMessageResponseDto> {
    const fromMe = body.fromMe === true;
    const normalized = recipients(() => normalizeRecipient(body.number));
    if (isGroupJid(normalized) && !fromMe && !body.participant?.trim()) {
      throw new MissingParticipantError();
    }
    const participant = body.participant?.trim()
      ? recipients(() => normalizeRecipient(body.participant!.trim()))
      : undefined;
    const chatJid = await this.resolver.resolve(instance, normalized);
    const removal = body.reaction.trim().toLowerCase() === 'remove';
    const content: OutgoingContent = {
      kind: 'reaction',
      target: {
        chatJid,
        messageId: body.messageId,
        fromMe,
        ...(isGroupJid(chatJid) && participant ? { participant } : {}),
      },
      emoji: removal ? '' : body.reaction,
    };
    // No delay, replyTo or replyPrivate for reactions (API.md §3.2).
    return this.sender.dispatch(instance, { number: body.number, source: body.source }, content, {
      prefer,
      idempotencyKey,
      reply,
      chatJid,
      sent: removal ? 'Reaction removed successfully' : 'Reaction sent successfully',
      extraData: () => ({ replyTo: { messageId: body.messageId } }),
    });
  }
}

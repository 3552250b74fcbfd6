import { Body, Post } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { InstanceController } from '@wharf/common/auth/instance-controller.decorator';
import {
  type DocumentedError,
  engineError,
  InvalidBodyError,
  ValidationFailedError,
} from '@wharf/common/errors';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import { SPEC_LITERALS } from '@wharf/common/validation/spec-literals';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import {
  InvalidNumberError,
  NumberNotOnWhatsAppError,
  SendFailedError,
} from '@wharf/modules/messaging/messaging.errors';
import { InstanceNotConnectedError } from '@wharf/modules/session/session-errors';

import {
  ActionMessageNotFoundError,
  InvalidPinDurationError,
  InvalidPresenceStateError,
  MessageNotEditableError,
  PinMessageNotFoundError,
  SenderRequiredError,
  UnsupportedForwardTypeError,
} from './chat.errors';
import { ChatActionService } from './chat-action.service';
import {
  BlockContactDto,
  BlockContactResponseDto,
  ChatPresenceDto,
  ChatPresenceResponseDto,
  EditMessageDto,
  EditMessageResponseDto,
  ForwardMessageDto,
  ForwardMessageResponseDto,
  MarkReadDto,
  MarkReadResponseDto,
  PinMessageDto,
  PinMessageResponseDto,
} from './dto/chat-action.dto';
import {
  EXAMPLE_BLOCK,
  EXAMPLE_EDIT,
  EXAMPLE_FORWARD,
  EXAMPLE_MARK_READ,
  EXAMPLE_PIN,
  EXAMPLE_PRESENCE,
} from './dto/chat-action.examples';

/** A validation literal of docs/API.md, documented as the 400 it answers. */
const literal400 = (text: string, name: string): DocumentedError => ({
  ...ValidationFailedError,
  literal: text,
  name,
});

/** Errors every route here can answer besides its own (docs/API.md §3.3 module errors, D2). */
const COMMON = [InvalidBodyError, ValidationFailedError, InstanceNotConnectedError];

/**
 * The message-action routes of docs/API.md §3.3: presence, forward, edit, pinMessage, markRead,
 * block. Thin: one {@link ChatActionService} call each (which runs on the session's owner, D20).
 */
@InstanceController('api/chat', { tag: 'Chat' })
export class ChatActionController {
  constructor(private readonly actions: ChatActionService) {}

  @Post('presence/:instance')
  @ApiSuccess({
    summary: 'Send a chat presence',
    description:
      'Shows "typing…" (`typing`) or "recording audio…" (`recording`) in the chat, or stops it (`pause`/`paused`). With `duration` (seconds, at most 60) and typing/recording, a pause follows automatically and the answer carries `duration` (message `Presence sent successfully; pause follows in <n> seconds`); without it the message is `Presence sent successfully` (texts chosen under D2). Nothing is stored.',
    type: ChatPresenceResponseDto,
    example: EXAMPLE_PRESENCE,
  })
  @ApiErrors(
    ...COMMON,
    literal400(SPEC_LITERALS.numberRequired, 'NumberRequired'),
    literal400(SPEC_LITERALS.stateRequired, 'StateRequired'),
    InvalidPresenceStateError,
    InvalidNumberError,
    NumberNotOnWhatsAppError,
  )
  presence(
    @InstanceParam() instance: Instance,
    @Body() body: ChatPresenceDto,
  ): Promise<ChatPresenceResponseDto> {
    return this.actions.presence(instance, body);
  }

  @Post('forward/:instance')
  @ApiSuccess({
    summary: 'Forward a message',
    description:
      'Forwards one stored message (text, image, video, audio, document, sticker, contact, location) to `to`; media goes by reference. Sent through the send path: emits an outgoing `message.exchange` with `isForwarded` (D7). A message this account wrote is forwarded unmarked, as WhatsApp does.',
    type: ForwardMessageResponseDto,
    example: EXAMPLE_FORWARD,
  })
  @ApiErrors(
    ...COMMON,
    literal400(SPEC_LITERALS.forwardFieldsRequired, 'ForwardFieldsRequired'),
    ActionMessageNotFoundError,
    UnsupportedForwardTypeError,
    InvalidNumberError,
    NumberNotOnWhatsAppError,
    SendFailedError,
  )
  forward(
    @InstanceParam() instance: Instance,
    @Body() body: ForwardMessageDto,
  ): Promise<ForwardMessageResponseDto> {
    return this.actions.forward(instance, body);
  }

  @Post('edit/:instance')
  @ApiSuccess({
    summary: 'Edit a message',
    description:
      'Replaces the text of a text message this instance sent, within 15 minutes. Emits `message.exchange` with `type: "message_edit"`, `isEdit: true` and `edit.previousContent` (D7); the stored text becomes the new one.',
    type: EditMessageResponseDto,
    example: EXAMPLE_EDIT,
  })
  @ApiErrors(
    ...COMMON,
    literal400(SPEC_LITERALS.messageIdRequired, 'MessageIdRequired'),
    literal400(SPEC_LITERALS.contentRequired, 'ContentRequired'),
    MessageNotEditableError,
    ActionMessageNotFoundError,
    SendFailedError,
  )
  edit(
    @InstanceParam() instance: Instance,
    @Body() body: EditMessageDto,
  ): Promise<EditMessageResponseDto> {
    return this.actions.edit(instance, body);
  }

  @Post('pinMessage/:instance')
  @ApiSuccess({
    summary: 'Pin or unpin a message',
    description:
      'Pins (`pin`, default `true`) a stored message in its chat for `duration` `24h`, `7d` (default) or `30d`, or unpins it (`Message unpinned successfully`, no `duration`). Every participant sees it. Not-found answers 404 (status chosen under D2).',
    type: PinMessageResponseDto,
    example: EXAMPLE_PIN,
  })
  @ApiErrors(
    ...COMMON,
    literal400(SPEC_LITERALS.messageIdRequired, 'MessageIdRequired'),
    InvalidPinDurationError,
    PinMessageNotFoundError,
    SendFailedError,
  )
  pinMessage(
    @InstanceParam() instance: Instance,
    @Body() body: PinMessageDto,
  ): Promise<PinMessageResponseDto> {
    return this.actions.pinMessage(instance, body);
  }

  @Post('markRead/:instance')
  @ApiSuccess({
    summary: 'Mark a message as read',
    description:
      'Sends the read receipt (blue ticks) of one received message. A stored message is read with its stored key; otherwise `number` (and `sender` in groups) name it.',
    type: MarkReadResponseDto,
    example: EXAMPLE_MARK_READ,
  })
  @ApiErrors(
    ...COMMON,
    literal400(SPEC_LITERALS.messageIdRequired, 'MessageIdRequired'),
    literal400(SPEC_LITERALS.numberRequired, 'NumberRequired'),
    SenderRequiredError,
    InvalidNumberError,
  )
  markRead(
    @InstanceParam() instance: Instance,
    @Body() body: MarkReadDto,
  ): Promise<MarkReadResponseDto> {
    return this.actions.markRead(instance, body);
  }

  @Post('block/:instance')
  @ApiSuccess({
    summary: 'Block or unblock a contact',
    description:
      "`block` (default `true`) blocks, `false` unblocks (`Contact unblocked successfully`, text chosen under D2). `blocked_count` is the length of WhatsApp's blocklist after the operation.",
    type: BlockContactResponseDto,
    example: EXAMPLE_BLOCK,
  })
  @ApiErrors(
    ...COMMON,
    literal400(SPEC_LITERALS.numberRequired, 'NumberRequired'),
    InvalidNumberError,
    NumberNotOnWhatsAppError,
    engineError('WHATSAPP_ITEM_NOT_FOUND'),
  )
  block(
    @InstanceParam() instance: Instance,
    @Body() body: BlockContactDto,
  ): Promise<BlockContactResponseDto> {
    return this.actions.block(instance, body);
  }
}

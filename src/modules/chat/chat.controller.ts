import { Get, Query } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { InstanceController } from '@wharf/common/auth/instance-controller.decorator';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import {
  MessageIdQueryRequiredError,
  MessageIdRequiredError,
  MessageNotFoundError,
  MessageOfOtherInstanceError,
} from './chat.errors';
import {
  GetMessageResponseDto,
  MessageIdQueryDto,
  MessageStatusResponseDto,
} from './dto/message-lookup.dto';
import { MessageStoreService } from './message-store.service';

/** Message-store reads of docs/API.md §3.3. */
@InstanceController('api/chat', { tag: 'Chat' })
export class ChatController {
  constructor(private readonly store: MessageStoreService) {}

  @Get('getMessage/:instance')
  @ApiSuccess({
    summary: 'Find a message by id',
    description:
      'The snapshot stored when the message was ingested or sent. Media messages carry `data.media` instead of `data.content`.',
    type: GetMessageResponseDto,
    example: {
      success: true,
      message: 'Message found',
      messageId: '3EB08FCF27E532F1B0F5',
      data: {
        content: 'Hi!',
        type: 'text',
        from: '5511999999999@s.whatsapp.net',
        to: '5511888888888@s.whatsapp.net',
        chat: '5511999999999@s.whatsapp.net',
        timestamp: '2026-04-28T14:30:00.000Z',
        isGroup: false,
        status: 'delivered',
      },
      status: 'found',
    },
  })
  @ApiErrors(MessageIdRequiredError, MessageNotFoundError)
  async getMessage(
    @InstanceParam() instance: Instance,
    @Query() query: MessageIdQueryDto,
  ): Promise<GetMessageResponseDto> {
    if (!query.messageId) throw new MessageIdRequiredError();
    const row = await this.store.find(instance, query.messageId);
    return {
      success: true,
      message: 'Message found',
      messageId: row.messageId,
      data: this.store.toSnapshot(row, instance.numberJid),
      status: 'found',
    };
  }

  @Get('status/:instance')
  @ApiSuccess({
    summary: 'Message delivery status',
    type: MessageStatusResponseDto,
    example: {
      success: true,
      message: 'Message status retrieved successfully',
      message_id: '3EB08FCF27E532F1B0F5',
      status: 'read',
      status_code: 4,
      direction: 'sent',
      chat_jid: '5511999999999@s.whatsapp.net',
      timestamp: '2026-04-28T14:30:00.000Z',
    },
  })
  @ApiErrors(MessageIdQueryRequiredError, MessageNotFoundError, MessageOfOtherInstanceError)
  async status(
    @InstanceParam() instance: Instance,
    @Query() query: MessageIdQueryDto,
  ): Promise<MessageStatusResponseDto> {
    if (!query.messageId) throw new MessageIdQueryRequiredError();
    return this.store.toStatus(await this.store.findForStatus(instance, query.messageId));
  }
}

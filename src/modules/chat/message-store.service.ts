import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { Message } from '@wharf/modules/messaging/entities/message.entity';

import { MessageNotFoundError, MessageOfOtherInstanceError } from './chat.errors';
import type { MessageStatusResponseDto, StoredMessageDto } from './dto/message-lookup.dto';

/** `status_code` of docs/API.md `GET /api/chat/status`. */
const STATUS_CODES: Record<string, number> = {
  pending: 0,
  sent: 1,
  delivered: 2,
  received: 3,
  read: 4,
  played: 5,
  error: -1,
};

/** Reads of the message store (docs/API.md §3.3 getMessage, status). */
@Injectable()
export class MessageStoreService {
  constructor(private readonly em: EntityManager) {}

  /** @throws MessageNotFoundError */
  async find(instance: Instance, messageId: string): Promise<Message> {
    const row = await this.em.findOne(Message, { instance, messageId });
    if (!row) throw new MessageNotFoundError();
    return row;
  }

  /**
   * Like {@link find}, but tells a message of another instance of the same account apart
   * (`Message does not belong to this instance`); other accounts' messages stay invisible.
   */
  async findForStatus(instance: Instance, messageId: string): Promise<Message> {
    const row = await this.em.findOne(Message, { instance, messageId });
    if (row) return row;
    const elsewhere = await this.em.count(Message, {
      messageId,
      instance: { account: instance.account },
    });
    throw elsewhere > 0 ? new MessageOfOtherInstanceError() : new MessageNotFoundError();
  }

  /** The stored snapshot of `GET /api/chat/getMessage`: media messages carry `media` instead of `content`. */
  toSnapshot(row: Message, ownJid: string | null): StoredMessageDto {
    const media = row.payload.media as
      { type?: string; mimetype?: string; size?: number; duration?: number } | undefined;
    const isGroup = row.chatJid.endsWith('@g.us');
    return {
      ...(media
        ? {
            media: {
              type: media.type ?? row.type,
              mimeType: media.mimetype ?? null,
              size: media.size ?? null,
              duration: media.duration ?? null,
            },
          }
        : { content: row.content }),
      type: row.type,
      from: row.senderJid,
      to: row.direction === 'incoming' ? (isGroup ? row.chatJid : ownJid) : row.chatJid,
      chat: row.chatJid,
      timestamp: row.timestamp.toISOString(),
      isGroup,
      status: row.status,
    };
  }

  /** The body of `GET /api/chat/status` (received messages report `received`, failures `error`). */
  toStatus(row: Message): MessageStatusResponseDto {
    const status =
      row.status === 'failed'
        ? 'error'
        : row.direction === 'incoming' && row.status === 'delivered'
          ? 'received'
          : row.status;
    return {
      success: true,
      message: 'Message status retrieved successfully',
      message_id: row.messageId,
      status,
      status_code: STATUS_CODES[status] ?? -1,
      direction: row.direction === 'outgoing' ? 'sent' : 'received',
      chat_jid: row.chatJid,
      timestamp: row.timestamp.toISOString(),
    };
  }
}

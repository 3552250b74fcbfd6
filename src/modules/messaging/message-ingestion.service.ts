import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { InboundMessage, ReceiptEvent } from '@wharf/whatsapp';

import { EventsService } from '../events/events.service';
import { Instance } from '../instance/entities/instance.entity';
import {
  SessionProvider,
  type SessionTraffic,
  type TrafficOwner,
} from '../session/session.provider';
import { SettingsService } from '../settings/settings.service';
import { Message, type MessageStatus } from './entities/message.entity';
import { addressPair, toExchangeData, toStatusData } from './message-event.mapper';

/** Order of statuses: a receipt never moves a message backwards (read stays read). */
const STATUS_RANK: Record<MessageStatus, number> = {
  failed: -1,
  pending: 0,
  sending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  played: 4,
};

/**
 * Turns what sessions receive into the message store and events (issue 4, D7, D13): every
 * message becomes one row and one `message.exchange`; receipts move the row's status forward and
 * become `message.status`. Settings `ignoreGroupMessages` and `ignoreStatus` drop traffic here.
 */
@Injectable()
export class MessageIngestionService implements OnModuleInit {
  private readonly logger = new Logger(MessageIngestionService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly sessions: SessionProvider,
    private readonly settings: SettingsService,
    private readonly events: EventsService,
  ) {}

  onModuleInit(): void {
    this.sessions.onTraffic((owner, traffic) => this.handle(owner, traffic));
  }

  /** Stores and publishes one piece of session traffic. Never throws (logged instead). */
  async handle(owner: TrafficOwner, traffic: SessionTraffic): Promise<void> {
    try {
      if (traffic.kind === 'message') await this.ingestMessage(owner, traffic.message);
      else await this.ingestReceipt(owner, traffic.receipt);
    } catch (error) {
      this.logger.error(`Ingestion for ${owner.name} failed: ${(error as Error).message}`);
    }
  }

  private async ingestMessage(owner: TrafficOwner, message: InboundMessage): Promise<void> {
    const settings = await this.settings.get(owner);
    if (settings.ignoreGroupMessages && message.chatJid.endsWith('@g.us')) return;
    if (settings.ignoreStatus && message.chatJid === 'status@broadcast') return;
    const em = this.em.fork();
    let row = await em.findOne(Message, { instance: owner.id, messageId: message.id });
    if (row?.published) return;
    const chat = addressPair(message.chatJid, message.chatJidAlt);
    const sender = addressPair(message.senderJid, message.senderJidAlt);
    if (row) {
      // An API send echoed by the engine: publish it once (the send pipeline uses the same claim).
      const claimed = await em.nativeUpdate(
        Message,
        { id: row.id, published: false },
        { published: true, raw: message.raw },
      );
      if (claimed === 0) return;
    } else {
      row = em.create(Message, {
        instance: em.getReference(Instance, owner.id),
        messageId: message.id,
        direction: message.fromMe ? 'outgoing' : 'incoming',
        chatJid: chat.jid,
        chatLid: chat.lid ?? null,
        senderJid: sender.jid,
        senderLid: sender.lid ?? null,
        type: message.type,
        content: message.content,
        source: '',
        status: message.fromMe ? 'sent' : 'delivered',
        statusTimes: { [message.fromMe ? 'sent' : 'delivered']: message.timestamp.toISOString() },
        quotedId: message.context?.quotedMessageId ?? null,
        mentions: message.context?.mentions ?? [],
        payload: payloadOf(message),
        raw: message.raw,
        timestamp: message.timestamp,
        published: true,
      });
      try {
        await em.flush();
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) return; // ingested concurrently
        throw error;
      }
    }
    await this.events.publish(
      owner,
      'message.exchange',
      toExchangeData(message, {
        direction: row.direction,
        source: row.source,
        ownJid: owner.ownJid,
      }),
    );
  }

  private async ingestReceipt(owner: TrafficOwner, receipt: ReceiptEvent): Promise<void> {
    // The server's ack (`sent`) is recorded and published by the send pipeline itself (D14).
    if (receipt.status === 'sent') return;
    const status = receipt.status as MessageStatus;
    if (STATUS_RANK[status] !== undefined) {
      const em = this.em.fork();
      const rows = await em.find(Message, {
        instance: owner.id,
        messageId: { $in: receipt.messageIds },
      });
      for (const row of rows) {
        if (STATUS_RANK[status] <= STATUS_RANK[row.status as MessageStatus]) {
          row.statusTimes = {
            ...row.statusTimes,
            [status]: row.statusTimes[status] ?? receipt.timestamp.toISOString(),
          };
          continue;
        }
        row.status = status;
        row.statusTimes = { ...row.statusTimes, [status]: receipt.timestamp.toISOString() };
      }
      await em.flush();
    }
    await this.events.publish(owner, 'message.status', toStatusData(receipt, owner.ownJid));
  }
}

/** The D7 typed blocks of a message, as stored in `payload`. */
function payloadOf(message: InboundMessage): Record<string, unknown> {
  const blocks: Record<string, unknown> = {};
  for (const key of [
    'media',
    'location',
    'contacts',
    'reaction',
    'poll',
    'pollUpdate',
    'edit',
    'revoke',
    'interactive',
    'context',
  ] as const) {
    if (message[key] !== null) blocks[key] = message[key];
  }
  if (message.isForwarded) blocks.isForwarded = true;
  return blocks;
}

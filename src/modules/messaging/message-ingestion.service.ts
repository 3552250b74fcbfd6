import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EventsService } from '@wharf/modules/events/events.service';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { MediaStoreService } from '@wharf/modules/media/media-store.service';
import {
  SessionProvider,
  type SessionTraffic,
  type TrafficOwner,
} from '@wharf/modules/session/session.provider';
import { SettingsService } from '@wharf/modules/settings/settings.service';
import { decryptPollVote, type InboundMessage, type ReceiptEvent } from '@wharf/whatsapp';

import { Message, type MessageStatus } from './entities/message.entity';
import {
  addressPair,
  bareMessageJids,
  toExchangeData,
  toStatusData,
  withExchangeCopies,
  withStatusCopies,
} from './message-event.mapper';
import { MessageStatusLock } from './message-status.lock';
import { previousContentOf } from './sent-message.mapper';

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
    private readonly statusLock: MessageStatusLock,
    private readonly media: MediaStoreService,
  ) {}

  onModuleInit(): void {
    this.sessions.on('traffic', (owner, traffic) => this.handle(owner, traffic));
  }

  /** Stores and publishes one piece of session traffic. Never throws (logged instead). */
  async handle(owner: TrafficOwner, traffic: SessionTraffic): Promise<void> {
    try {
      if (traffic.kind === 'message')
        await this.ingestMessage(owner, bareMessageJids(traffic.message));
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
    const echo = row !== null;
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
    if (settings.autoReadMessages && !message.fromMe && message.chatJid !== 'status@broadcast') {
      // autoReadMessages (docs/API.md §3.1): blue ticks for every received message; best effort.
      this.sessions
        .live(owner.id)
        ?.messages.read([
          {
            chatJid: message.chatJid,
            id: message.id,
            participant: message.chatJid.endsWith('@g.us') ? message.senderJid : null,
          },
        ])
        .catch((error: unknown) =>
          this.logger.warn(`Auto-read for ${owner.name} failed: ${(error as Error).message}`),
        );
    }
    const mediaExtra = message.media
      ? await this.captureMedia(em, owner, row, message, echo)
      : undefined;
    const pollVote = message.pollUpdate
      ? await this.decryptVote(em, owner, row, message)
      : undefined;
    // The echo of an edit sent through the API: its request keeps the replaced text (D7).
    if (echo && message.edit) await em.populate(row, ['request']);
    const previousContent = echo && message.edit ? previousContentOf(row) : null;
    await this.events.publish(
      owner,
      'message.exchange',
      withExchangeCopies(
        toExchangeData(message, {
          direction: row.direction,
          source: row.source,
          ownJid: owner.ownJid,
          mediaExtra: mediaExtra as Record<string, unknown> | undefined,
          pollVote: pollVote ?? undefined,
          previousContent,
        }),
        { revokedId: message.revoke?.messageId, event: message.event },
      ),
    );
  }

  /**
   * D15: stores the media (and uploads it to S3) before the event is published; the row keeps
   * `mediaPath` and the D15 fields. Returns the fields added to the event's `media`.
   */
  private async captureMedia(
    em: EntityManager,
    owner: TrafficOwner,
    row: Message,
    message: InboundMessage,
    echo: boolean,
  ) {
    if (!row.payload.media) row.payload = { ...row.payload, media: message.media };
    const fields = await this.media.capture(owner, row, message.raw);
    if (!echo) {
      await em.flush();
      return fields;
    }
    // The echo of an API send: the send pipeline writes the same row's payload (D15 for sent
    // media, `s3Url` among it) from its own copy. Merge under its lock with what is stored now, the
    // stored fields winning, so neither writer erases what the other added.
    await this.statusLock.run(owner.id, async () => {
      const current = await this.em.fork().findOneOrFail(Message, { id: row.id });
      const media = {
        ...(row.payload.media as Record<string, unknown>),
        ...((current.payload.media as Record<string, unknown> | undefined) ?? {}),
      };
      await em.nativeUpdate(
        Message,
        { id: row.id },
        { payload: { ...current.payload, media }, mediaPath: current.mediaPath ?? row.mediaPath },
      );
    });
    return fields;
  }

  /**
   * D7 `pollUpdate.selectedOptions`: decrypts a vote with the stored poll's secret and keeps
   * the result in the vote row's `payload.pollUpdate` (read by `GET /api/chat/poll`).
   */
  private async decryptVote(
    em: EntityManager,
    owner: TrafficOwner,
    row: Message,
    message: InboundMessage,
  ): Promise<{ selectedOptions: string[] } | null> {
    const pollId = message.pollUpdate!.pollMessageId;
    const poll = await em.findOne(
      Message,
      { instance: owner.id, messageId: pollId },
      { populate: ['raw'] },
    );
    if (!poll?.raw) {
      this.logger.warn(`Poll vote ${message.id}: poll ${pollId} is not in the store`);
      return null;
    }
    const me = this.sessions.live(owner.id)?.me;
    const ownJids = [owner.ownJid, me?.jid, me?.lid].filter((jid): jid is string => Boolean(jid));
    const vote = await decryptPollVote({ poll: poll.raw, vote: message.raw, ownJids }).catch(
      (error: unknown) => {
        this.logger.warn(`Poll vote ${message.id} not decrypted: ${(error as Error).message}`);
        return null;
      },
    );
    if (!vote) {
      this.logger.warn(`Poll vote ${message.id} could not be decrypted with poll ${pollId}`);
      return null;
    }
    row.payload = {
      ...row.payload,
      pollUpdate: { pollMessageId: pollId, ...vote },
    };
    await em.flush();
    return { selectedOptions: vote.selectedOptions };
  }

  private async ingestReceipt(owner: TrafficOwner, receipt: ReceiptEvent): Promise<void> {
    // The server's ack (`sent`) is recorded and published by the send pipeline itself (D14).
    if (receipt.status === 'sent') return;
    const status = receipt.status as MessageStatus;
    this.logger.debug(`Receipt ${receipt.status} for ${receipt.messageIds.join(',')}`);
    if (STATUS_RANK[status] !== undefined) {
      await this.statusLock.run(owner.id, async () => {
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
      });
    }
    this.logger.debug(`Receipt ${receipt.status} for ${receipt.messageIds.join(',')}: stored`);
    await this.events.publish(
      owner,
      'message.status',
      withStatusCopies(toStatusData(receipt, owner.ownJid)),
    );
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

import { createHash, randomBytes } from 'node:crypto';

import { EntityManager } from '@mikro-orm/core';
import { HttpStatus, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  type InboundMessage,
  type OutgoingContent,
  type SentMessage,
  toUserJid,
} from '@wharf/whatsapp';
import type { Job } from 'bull';

import { DomainError, fixedError } from '../../common/errors';
import { EventsService } from '../events/events.service';
import { Instance } from '../instance/entities/instance.entity';
import { SessionProvider } from '../session/session.provider';
import { InstanceNotConnectedError } from '../session/session-errors';
import { SessionLeaseService } from '../session/session-lease.service';
import { SettingsService } from '../settings/settings.service';
import { Message } from './entities/message.entity';
import { toExchangeData } from './message-event.mapper';
import { type OutboundJobData, OutboundQueue } from './outbound.queue';

export class IdempotencyConflictError extends fixedError(
  HttpStatus.CONFLICT,
  'IDEMPOTENCY_KEY_REUSED',
  'Idempotency-Key was already used with a different request',
) {}

/** How long a synchronous send waits for its outcome, ms (D14). */
const SYNC_WAIT_MS = 60_000;

/** A send, as validated by a controller (API.md §3.2). */
export interface SendRequest {
  chatJid: string;
  content: OutgoingContent;
  source: string;
  delaySeconds?: number;
  replyTo?: string;
  mentions?: string[];
}

/** What the HTTP layer answers for an accepted send. */
export interface SendOutcome {
  row: Message;
  /** True when the answer is the stored result of an earlier request with the same key. */
  replayed: boolean;
}

/** A send the engine refused; `message` is safe to show (no input echoed). */
export class SendFailedError extends DomainError {
  static readonly status = HttpStatus.INTERNAL_SERVER_ERROR;
  static readonly code = 'SEND_FAILED';
  static readonly literal = 'Failed to send message: <reason>';
  constructor(reason: string) {
    super(
      HttpStatus.INTERNAL_SERVER_ERROR,
      SendFailedError.code,
      `Failed to send message: ${reason}`,
    );
  }
}

/**
 * The send path of D14: validate → message row `pending` with a pre-generated WhatsApp id → the
 * owner's outbound queue → (owner) one ordered lane per instance, optional pacing and typing
 * delay → engine send → row `sent`/`failed` → `message.exchange` (outgoing) and `message.status`.
 * A row is marked `sending` just before the engine is called: after a crash, `pending` rows are
 * queued again and `sending` rows fail with a reason, so nothing is dropped or sent twice.
 */
@Injectable()
export class SendPipelineService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SendPipelineService.name);
  private readonly lanes = new Map<string, Promise<unknown>>();
  private readonly lastSendAt = new Map<string, number>();

  constructor(
    private readonly em: EntityManager,
    private readonly queue: OutboundQueue,
    private readonly leases: SessionLeaseService,
    private readonly sessions: SessionProvider,
    private readonly settings: SettingsService,
    private readonly events: EventsService,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.consume(this.leases.ownerId, 50, (job) => this.process(job));
    this.sessions.onOwned((instanceId) => void this.recover(instanceId));
  }

  /**
   * Writes the row and queues the send; waits for the outcome unless `async`.
   * @throws InstanceNotConnectedError (503), IdempotencyConflictError (409), SendFailedError (500)
   */
  async send(
    instance: Instance,
    request: SendRequest,
    options: { async: boolean; idempotencyKey?: string },
  ): Promise<SendOutcome> {
    const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    if (options.idempotencyKey) {
      const earlier = await this.em
        .fork()
        .findOne(Message, { instance: instance.id, idempotencyKey: options.idempotencyKey });
      if (earlier) {
        if (earlier.requestHash !== requestHash) throw new IdempotencyConflictError();
        return {
          row: options.async ? earlier : await this.waitForOutcome(earlier.id),
          replayed: true,
        };
      }
    }
    const owner = await this.leases.holder(instance.id);
    if (!owner || instance.state !== 'connected') throw new InstanceNotConnectedError();

    const em = this.em.fork();
    const quoted = request.replyTo
      ? await em.findOne(Message, { instance: instance.id, messageId: request.replyTo })
      : null;
    const row = em.create(Message, {
      instance: em.getReference(Instance, instance.id),
      messageId: newMessageId(),
      direction: 'outgoing',
      chatJid: request.chatJid,
      senderJid: instance.numberJid ?? '',
      type: request.content.kind,
      content: renderContent(request.content),
      source: request.source,
      status: 'pending',
      statusTimes: { pending: new Date().toISOString() },
      quotedId: quoted?.messageId ?? null,
      mentions: request.mentions ?? [],
      request: { ...request },
      idempotencyKey: options.idempotencyKey ?? null,
      requestHash,
    });
    await em.flush();
    await this.queue.add(owner, { rowId: row.id, instanceId: instance.id });
    if (options.async) return { row, replayed: false };
    return { row: await this.waitForOutcome(row.id), replayed: false };
  }

  /** Polls the row until the engine accepted it (`sent` time recorded) or it failed; the job may run in another process. */
  private async waitForOutcome(rowId: string): Promise<Message> {
    const deadline = Date.now() + SYNC_WAIT_MS;
    for (;;) {
      const row = await this.em.fork().findOneOrFail(Message, { id: rowId });
      if (row.status === 'failed') throw new SendFailedError(row.error ?? 'unknown error');
      if (row.statusTimes.sent) return row;
      if (Date.now() > deadline) return row;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Consumer: runs each job in its instance's lane, in queue order. */
  private process(job: Job<OutboundJobData>): Promise<void> {
    const { instanceId } = job.data;
    const previous = this.lanes.get(instanceId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.deliver(job.data));
    this.lanes.set(instanceId, run);
    return run.finally(() => {
      if (this.lanes.get(instanceId) === run) this.lanes.delete(instanceId);
    });
  }

  private async deliver({ rowId, instanceId }: OutboundJobData): Promise<void> {
    const em = this.em.fork();
    const claimed = await em.nativeUpdate(
      Message,
      { id: rowId, status: 'pending' },
      { status: 'sending' },
    );
    if (claimed === 0) return; // already sent, failed or being sent: never twice
    const row = await em.findOneOrFail(Message, { id: rowId }, { populate: ['request'] });
    const instance = await em.findOneOrFail(Instance, { id: instanceId });
    let sent: SentMessage;
    let ownJid: string | null = null;
    try {
      const session = this.sessions.live(instanceId);
      if (!session || session.state !== 'connected') throw new InstanceNotConnectedError();
      ownJid = session.me ? toUserJid(session.me.jid) : null;
      await this.pace(instanceId);
      const request = row.request as unknown as SendRequest;
      if (request.delaySeconds) {
        await session.sendPresence('available').catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, request.delaySeconds! * 1000));
      }
      const quoted = row.quotedId
        ? ((
            await em.findOne(
              Message,
              { instance: instanceId, messageId: row.quotedId },
              { populate: ['raw'] },
            )
          )?.raw ?? undefined)
        : undefined;
      sent = await session.sendMessage(row.chatJid, request.content, {
        messageId: row.messageId,
        quoted,
        mentions: row.mentions.length ? row.mentions : undefined,
      });
    } catch (error) {
      const reason = error instanceof DomainError ? error.message : (error as Error).message;
      await em.nativeUpdate(
        Message,
        { id: row.id },
        {
          status: 'failed',
          error: reason,
          statusTimes: { ...row.statusTimes, failed: new Date().toISOString() },
        },
      );
      row.error = reason;
      await this.publishStatus(instance, row, 'server_error');
      return;
    }
    // A receipt may already have moved the row past `sending`: never move it back.
    if (ownJid) row.senderJid = ownJid;
    row.timestamp = sent.timestamp;
    row.raw = sent.raw ?? null;
    const current = await this.em.fork().findOneOrFail(Message, { id: row.id });
    row.statusTimes = { ...current.statusTimes, sent: sent.timestamp.toISOString() };
    row.status = current.status === 'sending' ? 'sent' : current.status;
    await em.nativeUpdate(
      Message,
      { id: row.id },
      {
        senderJid: row.senderJid,
        timestamp: row.timestamp,
        raw: row.raw,
        status: row.status,
        statusTimes: row.statusTimes,
      },
    );
    await this.publishSent(instance, row);
  }

  /** `sendRatePerMinute` pacing (D14): at least 60 000 / rate ms between sends of an instance. */
  private async pace(instanceId: string): Promise<void> {
    const { sendRatePerMinute } = await this.settings.get({ id: instanceId });
    if (sendRatePerMinute > 0) {
      const wait = (this.lastSendAt.get(instanceId) ?? 0) + 60_000 / sendRatePerMinute - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    this.lastSendAt.set(instanceId, Date.now());
  }

  /** One outgoing `message.exchange` per message (the engine's echo is skipped by the same flag). */
  private async publishSent(instance: Instance, row: Message): Promise<void> {
    const request = row.request as unknown as SendRequest;
    const claimed = await this.em
      .fork()
      .nativeUpdate(Message, { id: row.id, published: false }, { published: true });
    if (claimed > 0) {
      const message: InboundMessage = {
        id: row.messageId,
        chatJid: row.chatJid,
        chatJidAlt: row.chatLid,
        senderJid: row.senderJid,
        senderJidAlt: null,
        fromMe: true,
        pushName: null,
        timestamp: row.timestamp,
        type: request.content.kind,
        content: row.content,
        isForwarded: false,
        context:
          row.quotedId || row.mentions.length
            ? {
                quotedMessageId: row.quotedId,
                quotedContent: null,
                quotedSender: null,
                mentions: row.mentions,
              }
            : null,
        media: null,
        location:
          request.content.kind === 'location'
            ? {
                latitude: request.content.latitude,
                longitude: request.content.longitude,
                name: request.content.name ?? null,
                address: request.content.address ?? null,
              }
            : null,
        contacts: null,
        reaction: null,
        poll:
          request.content.kind === 'poll'
            ? {
                name: request.content.name,
                options: request.content.options,
                selectableCount: request.content.selectableCount,
              }
            : null,
        pollUpdate: null,
        edit: null,
        revoke: null,
        interactive: null,
        raw: {},
      };
      await this.events.publish(
        instance,
        'message.exchange',
        toExchangeData(message, {
          direction: 'outgoing',
          source: row.source,
          ownJid: instance.numberJid,
        }),
      );
    }
    await this.publishStatus(instance, row, 'sent');
  }

  private async publishStatus(instance: Instance, row: Message, status: string): Promise<void> {
    await this.events.publish(instance, 'message.status', {
      messageIds: [row.messageId],
      status,
      chat: { jid: row.chatJid, type: row.chatJid.endsWith('@g.us') ? 'group' : 'private' },
      recipient: { jid: row.chatJid },
      sender: { jid: instance.numberJid },
      timestamp: new Date().toISOString(),
      message: { id: row.messageId, status },
      ...(row.error ? { error: row.error } : {}),
    });
  }

  /**
   * Resolves an instance's unfinished sends when this process becomes its owner (boot, takeover;
   * D14): `pending` rows are queued again, `sending` rows (interrupted mid-send) fail loudly.
   */
  async recover(instanceId: string): Promise<void> {
    try {
      const em = this.em.fork();
      const rows = await em.find(
        Message,
        { instance: instanceId, direction: 'outgoing', status: { $in: ['pending', 'sending'] } },
        { orderBy: { createdAt: 'asc' } },
      );
      const instance = await em.findOne(Instance, { id: instanceId });
      if (!instance) return;
      for (const row of rows) {
        if (row.status === 'sending') {
          row.status = 'failed';
          row.error =
            'Interrupted while sending (the process stopped); not retried to avoid a duplicate';
          row.statusTimes = { ...row.statusTimes, failed: new Date().toISOString() };
          await em.flush();
          await this.publishStatus(instance, row, 'server_error');
        } else {
          await this.queue.add(this.leases.ownerId, { rowId: row.id, instanceId });
        }
      }
      if (rows.length)
        this.logger.log(`Recovered ${rows.length} unfinished sends of ${instance.name}`);
    } catch (error) {
      this.logger.error(`Recovering sends of ${instanceId} failed: ${(error as Error).message}`);
    }
  }
}

/** A message id in WhatsApp Web's format: `3EB0` and 18 upper-case hex digits. */
export function newMessageId(): string {
  return `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
}

/**
 * The D7 `content` string of an outgoing message: the text; for a location
 * `📍 name\naddress\nLat: …, Long: …`; for a poll the question and the numbered options.
 */
export function renderContent(content: OutgoingContent): string {
  switch (content.kind) {
    case 'text':
      return content.text;
    case 'location':
      return [
        content.name ? `📍 ${content.name}` : '📍',
        content.address,
        `Lat: ${content.latitude}, Long: ${content.longitude}`,
      ]
        .filter(Boolean)
        .join('\n');
    case 'poll':
      return [
        content.name,
        ...content.options.map((option, index) => `${index + 1}. ${option}`),
      ].join('\n');
  }
}

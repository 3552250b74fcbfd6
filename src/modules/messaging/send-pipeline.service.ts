import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { EntityManager } from '@mikro-orm/core';
import {
  BeforeApplicationShutdown,
  HttpStatus,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import {
  eventOfOutgoing,
  type InboundMedia,
  type InboundMessage,
  type MessageType,
  type OutgoingContent,
  renderEvent,
  type SentMessage,
  toUserJid,
  type WhatsAppSession,
} from '@wharf/whatsapp';
import type { Job } from 'bull';

import { KeyedMutex } from '../../common/concurrency/keyed-mutex';
import { DomainError, fixedError } from '../../common/errors';
import { EventsService } from '../events/events.service';
import { Instance } from '../instance/entities/instance.entity';
import { MediaStoreService, type StoredMediaBlock } from '../media/media-store.service';
import { SessionProvider } from '../session/session.provider';
import { InstanceNotConnectedError } from '../session/session-errors';
import { SessionLeaseService } from '../session/session-lease.service';
import { SettingsService } from '../settings/settings.service';
import { Message } from './entities/message.entity';
import { HeaderMediaService } from './header-media.service';
import { LinkPreviewService } from './link-preview.service';
import { toExchangeData, withExchangeCopies, withStatusCopies } from './message-event.mapper';
import { MessageStatusLock } from './message-status.lock';
import { isOutboundJob, type OutboundJobData, OutboundQueue } from './outbound.queue';
import { mediaBytesOf, messageTypeOf, withoutMediaBytes } from './outgoing-content';

export class IdempotencyConflictError extends fixedError(
  HttpStatus.CONFLICT,
  'IDEMPOTENCY_KEY_REUSED',
  'Idempotency-Key was already used with a different request',
) {}

/** Statuses that mean the engine accepted the send (a receipt may arrive before `sent` is recorded). */
const SENT_OR_LATER = new Set(['sent', 'delivered', 'read', 'played']);

/** How long a queued send waits for its instance to (re)connect before it fails, ms. */
const RECONNECT_WAIT_MS = 60_000;

/** How long a synchronous send waits for its outcome, ms (D14). */
const SYNC_WAIT_MS = 60_000;

/**
 * How often a synchronous send re-reads its row when no outcome signal came, ms: the signal
 * covers sends this process delivers; the poll covers those another process owns.
 */
const OUTCOME_POLL_MS = 100;

/** A send, as validated by a controller (API.md §3.2). */
export interface SendRequest {
  chatJid: string;
  content: OutgoingContent;
  source: string;
  delaySeconds?: number;
  replyTo?: string;
  mentions?: string[];
  /** Mention every participant of the group (§1.8), resolved by the owner at send time. */
  mentionAll?: boolean;
  /** Attach a preview of the first URL of a text (built at send time, D12). */
  linkPreview?: boolean;
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
export class SendPipelineService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SendPipelineService.name);
  private readonly lanes = new KeyedMutex();
  private readonly lastSendAt = new Map<string, number>();
  private readonly disconnectedSince = new Map<string, number>();
  /** Synchronous sends waiting in this process, woken when their row gets an outcome here. */
  private readonly outcomeWaiters = new Map<string, Set<() => void>>();
  /** Aborted when the process begins to stop: cuts short the waits of queued sends. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly em: EntityManager,
    private readonly queue: OutboundQueue,
    private readonly leases: SessionLeaseService,
    private readonly sessions: SessionProvider,
    private readonly settings: SettingsService,
    private readonly events: EventsService,
    private readonly statusLock: MessageStatusLock,
    private readonly linkPreviews: LinkPreviewService,
    private readonly headerMedia: HeaderMediaService,
    private readonly mediaStore: MediaStoreService,
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
      type: messageTypeOf(request.content),
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
    // One INSERT, no BEGIN/COMMIT around it: the accept path's only write (bench `accept`).
    await em.insert(row);
    await this.queue.add(owner, { rowId: row.id, instanceId: instance.id });
    if (options.async) return { row, replayed: false };
    return { row: await this.waitForOutcome(row.id), replayed: false };
  }

  /**
   * Reads the row until the engine accepted it (`sent` time recorded) or it failed, for at most
   * {@link SYNC_WAIT_MS}. Woken at once when this process records the outcome; re-reads every
   * {@link OUTCOME_POLL_MS} for a send another process delivers.
   */
  private async waitForOutcome(rowId: string): Promise<Message> {
    const deadline = Date.now() + SYNC_WAIT_MS;
    for (;;) {
      // Listen before reading, so an outcome recorded between the read and the wait still wakes us.
      const next = this.nextOutcome(rowId);
      try {
        const row = await this.em.fork().findOneOrFail(Message, { id: rowId });
        if (row.status === 'failed') throw new SendFailedError(row.error ?? 'unknown error');
        if (row.statusTimes.sent || SENT_OR_LATER.has(row.status)) return row;
        // Past the wait, or stopping (the send stays queued for the next owner): 202 `queued`.
        if (Date.now() > deadline || this.stopping.signal.aborted) return row;
        await Promise.race([
          next.signal,
          sleep(OUTCOME_POLL_MS, undefined, { signal: this.stopping.signal }).catch(() => {}),
        ]);
      } finally {
        next.cancel();
      }
    }
  }

  /** A promise settled by the next {@link outcomeRecorded} of `rowId`, and its clean-up. */
  private nextOutcome(rowId: string): { signal: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const signal = new Promise<void>((resolve) => (wake = resolve));
    const waiters = this.outcomeWaiters.get(rowId) ?? new Set<() => void>();
    waiters.add(wake);
    this.outcomeWaiters.set(rowId, waiters);
    return {
      signal,
      cancel: () => {
        waiters.delete(wake);
        if (waiters.size === 0 && this.outcomeWaiters.get(rowId) === waiters)
          this.outcomeWaiters.delete(rowId);
      },
    };
  }

  /** Wakes the synchronous sends of this process waiting for `rowId` (its row was just written). */
  private outcomeRecorded(rowId: string): void {
    for (const wake of this.outcomeWaiters.get(rowId) ?? []) wake();
  }

  /**
   * Graceful stop (before any module closes): sends still waiting for their instance's socket
   * or for their `sendRatePerMinute` slot stop waiting and stay `pending` — never handed to the
   * engine, so the next owner sends them (D14 recovery) instead of this process holding the
   * shutdown for up to a minute (the 25 s guard of main.ts would then exit with 1).
   */
  beforeApplicationShutdown(): void {
    this.stopping.abort();
  }

  /** Consumer: runs each job in its instance's lane, in queue order. */
  private process(job: Job<OutboundJobData>): Promise<void> {
    // A job fragment left by a Redis data loss carries no data (see holdsWholeJob).
    if (!isOutboundJob(job.data)) return Promise.resolve();
    return this.lanes.run(job.data.instanceId, () => this.deliver(job.data));
  }

  private async deliver({ rowId, instanceId }: OutboundJobData): Promise<void> {
    // Recovered sends can run before the socket is back (restart, takeover): wait while the row
    // is still `pending`, so a crash meanwhile re-queues it instead of failing it.
    await this.connectedSession(instanceId).catch(() => undefined);
    // D14 pacing before the claim: a send waiting for its slot is still `pending`, so a stop or
    // a crash meanwhile hands it to the next owner instead of failing it as interrupted.
    await this.pace(instanceId);
    if (this.stopping.signal.aborted) return; // left `pending` for the next owner
    const em = this.em.fork();
    const claimed = await em.nativeUpdate(
      Message,
      { id: rowId, status: 'pending' },
      { status: 'sending' },
    );
    if (claimed === 0) return; // already sent, failed or being sent: never twice
    this.logger.debug(`Send row ${rowId}: claimed`);
    const row = await em.findOneOrFail(Message, { id: rowId }, { populate: ['request'] });
    const instance = await em.findOneOrFail(Instance, { id: instanceId });
    let sent: SentMessage;
    let ownJid: string | null = null;
    try {
      const session = await this.connectedSession(instanceId);
      ownJid = session.me ? toUserJid(session.me.jid) : null;
      const request = row.request as unknown as SendRequest;
      if (request.delaySeconds) {
        // D14: "typing…" (or "recording…" before a voice note) for `delay` seconds; best effort.
        const voice = request.content.kind === 'media' && request.content.ptt === true;
        await session
          .sendChatPresence(row.chatJid, voice ? 'recording' : 'composing')
          .catch(() => undefined);
        const cut = await sleep(request.delaySeconds * 1000, false, {
          signal: this.stopping.signal,
        }).catch(() => true);
        await session.sendChatPresence(row.chatJid, 'paused').catch(() => undefined);
        if (cut) {
          // Stopping before the engine saw it: back to `pending`, so the next owner sends it.
          await em.nativeUpdate(Message, { id: row.id, status: 'sending' }, { status: 'pending' });
          return;
        }
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
      if (request.mentionAll && row.chatJid.endsWith('@g.us')) {
        const everyone = await session.groupParticipants(row.chatJid);
        row.mentions = [...new Set([...row.mentions, ...everyone])];
      }
      let content = request.content;
      if (request.linkPreview && content.kind === 'text') {
        const preview = await this.linkPreviews.preview(content.text);
        if (preview) content = { ...content, linkPreview: preview };
      }
      content = await this.headerMedia.hydrate(content);
      this.logger.debug(`Send ${row.messageId}: handing to the engine`);
      sent = await session.sendMessage(row.chatJid, content, {
        messageId: row.messageId,
        quoted,
        mentions: row.mentions.length ? row.mentions : undefined,
      });
    } catch (error) {
      const reason = error instanceof DomainError ? error.message : (error as Error).message;
      await this.failSend(instance, row, reason);
      return;
    }
    this.logger.debug(`Send ${row.messageId}: accepted by the engine`);
    // A receipt may already have moved the row past `sending`: never move it back.
    if (ownJid) row.senderJid = ownJid;
    row.timestamp = sent.timestamp;
    row.raw = sent.raw ?? null;
    if (sent.media) {
      row.payload = { ...row.payload, media: sent.media };
      // D15 for sent media: keep the bytes just sent, so `downloadUrl` works without a download.
      const bytes = mediaBytesOf((row.request as unknown as SendRequest).content);
      if (bytes) await this.mediaStore.captureSent(instance, row, bytes);
    }
    await this.statusLock.run(instanceId, async () => {
      const current = await this.em.fork().findOneOrFail(Message, { id: row.id });
      row.statusTimes = { ...current.statusTimes, sent: sent.timestamp.toISOString() };
      row.status = current.status === 'sending' ? 'sent' : current.status;
      // The engine's echo of this send may have stored D15 fields meanwhile (its own capture,
      // under this lock): keep those this send lacks, e.g. an `s3Url` its own upload did not get.
      const stored = current.payload.media as Record<string, unknown> | undefined;
      if (stored && row.payload.media) {
        row.payload = {
          ...row.payload,
          media: { ...stored, ...(row.payload.media as Record<string, unknown>) },
        };
      }
      await em.nativeUpdate(
        Message,
        { id: row.id },
        {
          senderJid: row.senderJid,
          mentions: row.mentions,
          timestamp: row.timestamp,
          raw: row.raw,
          status: row.status,
          statusTimes: row.statusTimes,
          payload: row.payload,
          mediaPath: row.mediaPath,
          ...withoutMediaBytes(row.request),
        },
      );
    });
    this.outcomeRecorded(row.id);
    await this.publishSent(instance, row);
  }

  /**
   * Records a send as failed (D14 "fails loudly"): status, reason and time, its media bytes
   * dropped (under the status lock, so a receipt written meanwhile keeps its time); then wakes
   * this process's synchronous waiters and publishes `message.status` `server_error`.
   * `row.request` must be loaded.
   */
  private async failSend(instance: Instance, row: Message, reason: string): Promise<void> {
    await this.statusLock.run(instance.id, async () => {
      const em = this.em.fork();
      const current = await em.findOneOrFail(Message, { id: row.id });
      await em.nativeUpdate(
        Message,
        { id: row.id },
        {
          status: 'failed',
          error: reason,
          statusTimes: { ...current.statusTimes, failed: new Date().toISOString() },
          ...withoutMediaBytes(row.request),
        },
      );
    });
    row.status = 'failed';
    row.error = reason;
    this.outcomeRecorded(row.id);
    await this.publishStatus(instance, row, 'server_error');
  }

  /**
   * The instance's session once it is connected. A send accepted while connected survives a
   * short disconnect (restart, takeover, network drop; D10 reconnects): it waits up to
   * {@link RECONNECT_WAIT_MS} for the socket before failing loudly.
   * @throws InstanceNotConnectedError when the session is not back in time
   */
  private async connectedSession(instanceId: string): Promise<WhatsAppSession> {
    for (;;) {
      const session = this.sessions.live(instanceId);
      if (session?.state === 'connected') {
        this.disconnectedSince.delete(instanceId);
        return session;
      }
      // Measured from the first send that found it down, so a long outage fails the backlog
      // quickly instead of holding every queued send for the full wait.
      const since = this.disconnectedSince.get(instanceId) ?? Date.now();
      this.disconnectedSince.set(instanceId, since);
      if (Date.now() - since > RECONNECT_WAIT_MS || this.stopping.signal.aborted)
        throw new InstanceNotConnectedError();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** `sendRatePerMinute` pacing (D14): at least 60 000 / rate ms between sends of an instance. */
  private async pace(instanceId: string): Promise<void> {
    const { sendRatePerMinute } = await this.settings.get({ id: instanceId });
    if (sendRatePerMinute > 0) {
      const wait = (this.lastSendAt.get(instanceId) ?? 0) + 60_000 / sendRatePerMinute - Date.now();
      // Cut short by a stop: the caller then leaves the send `pending`.
      if (wait > 0) await sleep(wait, undefined, { signal: this.stopping.signal }).catch(() => {});
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
        type: (row.payload.media as InboundMedia | undefined)?.type ?? (row.type as MessageType),
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
        media: (row.payload.media as InboundMedia | undefined) ?? null,
        location:
          request.content.kind === 'location'
            ? {
                latitude: request.content.latitude,
                longitude: request.content.longitude,
                name: request.content.name ?? null,
                address: request.content.address ?? null,
              }
            : null,
        contacts:
          request.content.kind === 'contact' || request.content.kind === 'contacts'
            ? request.content.contacts
            : null,
        reaction:
          request.content.kind === 'reaction'
            ? { messageId: request.content.target.messageId, emoji: request.content.emoji }
            : null,
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
      const stored = row.payload.media as StoredMediaBlock | undefined;
      const data = toExchangeData(message, {
        direction: 'outgoing',
        source: row.source,
        ownJid: instance.numberJid,
        ...(stored?.downloadUrl
          ? {
              mediaExtra: {
                downloadUrl: stored.downloadUrl,
                ...(stored.s3Url ? { s3Url: stored.s3Url } : {}),
              },
            }
          : {}),
      });
      const interactive = sentInteractive(request.content);
      await this.events.publish(
        instance,
        'message.exchange',
        withExchangeCopies(
          interactive
            ? { ...data, message: { ...(data.message as Record<string, unknown>), interactive } }
            : data,
          request.content.kind === 'event' ? { event: eventOfOutgoing(request.content) } : {},
        ),
      );
    }
    await this.publishStatus(instance, row, 'sent');
  }

  private async publishStatus(instance: Instance, row: Message, status: string): Promise<void> {
    await this.events.publish(
      instance,
      'message.status',
      withStatusCopies({
        messageIds: [row.messageId],
        status,
        chat: { jid: row.chatJid, type: row.chatJid.endsWith('@g.us') ? 'group' : 'private' },
        recipient: { jid: row.chatJid },
        sender: { jid: instance.numberJid },
        timestamp: new Date().toISOString(),
        message: { id: row.messageId, status },
        ...(row.error ? { error: row.error } : {}),
      }),
    );
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
        { orderBy: { createdAt: 'asc', id: 'asc' } },
      );
      const instance = await em.findOne(Instance, { id: instanceId });
      if (!instance) return;
      for (const row of rows) {
        if (row.status === 'sending') {
          await em.populate(row, ['request']);
          await this.failSend(
            instance,
            row,
            'Interrupted while sending (the process stopped); not retried to avoid a duplicate',
          );
        } else {
          await this.queue.requeue(this.leases.ownerId, { rowId: row.id, instanceId });
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
 * `📍 name\naddress\nLat: …, Long: …`; for a poll the question and the numbered options; for
 * media the caption (`""` without one, and for stickers); for a status its text or caption.
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
    case 'contact':
    case 'contacts':
      return content.contacts.map((contact) => contact.displayName).join(', ');
    case 'reaction':
      return content.emoji;
    case 'buttons':
    case 'list':
      return content.text;
    case 'media':
      return content.caption ?? '';
    case 'sticker':
      return '';
    case 'event':
      return renderEvent(eventOfOutgoing(content));
    case 'status':
      return content.content.kind === 'text'
        ? content.content.text
        : (content.content.caption ?? '');
    case 'interactive':
      switch (content.flow.type) {
        case 'carousel':
          return `${content.flow.text} - Carousel with ${content.flow.cards.length} card(s)`;
        case 'form':
          return content.flow.text;
        case 'pix':
          return `PIX key ${content.flow.pixKeyType}: ${content.flow.pixKey}`;
      }
  }
}

/**
 * The D7 `interactive` block of an outgoing buttons/list/interactive message: the sent structure
 * (API.md field names), or null for other kinds.
 */
export function sentInteractive(content: OutgoingContent): Record<string, unknown> | null {
  if (content.kind === 'buttons') {
    return {
      type: 'buttons',
      text: content.text,
      title: content.title ?? null,
      footer: content.footer ?? null,
      buttons: content.buttons,
    };
  }
  if (content.kind === 'list') {
    return {
      type: 'list',
      text: content.text,
      title: content.title ?? null,
      footer: content.footer ?? null,
      buttonText: content.buttonText,
      sections: content.sections,
    };
  }
  if (content.kind === 'interactive') return { ...content.flow };
  return null;
}

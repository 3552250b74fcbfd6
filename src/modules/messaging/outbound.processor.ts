import { setTimeout as sleep } from 'node:timers/promises';

import { EntityManager } from '@mikro-orm/core';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { KeyedMutex } from '@wharf/common/concurrency/keyed-mutex';
import { DomainError } from '@wharf/common/errors';
import { EventsService } from '@wharf/modules/events/events.service';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { MediaStoreService } from '@wharf/modules/media/media-store.service';
import { SessionProvider } from '@wharf/modules/session/session.provider';
import { InstanceNotConnectedError } from '@wharf/modules/session/session-errors';
import { SessionLeaseService } from '@wharf/modules/session/session-lease.service';
import { SettingsService } from '@wharf/modules/settings/settings.service';
import { type SentMessage, toUserJid, type WhatsAppSession } from '@wharf/whatsapp';
import type { Job } from 'bull';

import { Message } from './entities/message.entity';
import { HeaderMediaService } from './header-media.service';
import { LinkPreviewService } from './link-preview.service';
import { MessageStatusLock } from './message-status.lock';
import { isOutboundJob, type OutboundJobData, OutboundQueue } from './outbound.queue';
import { mediaBytesOf, withoutMediaBytes } from './outgoing-content';
import { SendOutcomeWaiter } from './send-outcome.waiter';
import type { SendRequest } from './send-request';
import { sentExchangeData, sentStatusData } from './sent-message.mapper';

/** How long a queued send waits for its instance to (re)connect before it fails, ms. */
const RECONNECT_WAIT_MS = 60_000;

/**
 * The owner's side of the D14 send path: consumes this process's outbound queue, one ordered
 * lane per instance, optional pacing and typing delay → engine send → row `sent`/`failed` →
 * `message.exchange` (outgoing) and `message.status`. A row is marked `sending` just before the
 * engine is called: after a crash, `pending` rows are queued again and `sending` rows fail with a
 * reason ({@link recover}), so nothing is dropped or sent twice.
 */
@Injectable()
export class OutboundProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboundProcessor.name);
  private readonly lanes = new KeyedMutex();
  private readonly lastSendAt = new Map<string, number>();
  private readonly disconnectedSince = new Map<string, number>();
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
    private readonly outcomes: SendOutcomeWaiter,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.consume(this.leases.ownerId, 50, (job) => this.process(job));
    this.sessions.on('owned', (instanceId) => void this.recover(instanceId));
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
          .presence.setInChat(row.chatJid, voice ? 'recording' : 'composing')
          .catch(() => undefined);
        const cut = await sleep(request.delaySeconds * 1000, false, {
          signal: this.stopping.signal,
        }).catch(() => true);
        await session.presence.setInChat(row.chatJid, 'paused').catch(() => undefined);
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
        const everyone = await session.groups.participants(row.chatJid);
        row.mentions = [...new Set([...row.mentions, ...everyone])];
      }
      let content = request.content;
      if (request.linkPreview && content.kind === 'text') {
        const preview = await this.linkPreviews.preview(content.text);
        if (preview) content = { ...content, linkPreview: preview };
      }
      content = await this.headerMedia.hydrate(content);
      this.logger.debug(`Send ${row.messageId}: handing to the engine`);
      sent = await session.messages.send(row.chatJid, content, {
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
    await this.recordSent(instance, row, sent, ownJid);
    await this.applyEdit(instance, row);
    this.outcomes.recorded(row.id);
    await this.publishSent(instance, row);
  }

  /**
   * Records what the engine answered for a send: own JID, time, raw message, media (D15: the
   * bytes just sent are kept, so `downloadUrl` works without a download), status `sent` unless a
   * receipt already moved it further, and the request without its file bytes.
   */
  private async recordSent(
    instance: Instance,
    row: Message,
    sent: SentMessage,
    ownJid: string | null,
  ): Promise<void> {
    // A receipt may already have moved the row past `sending`: never move it back.
    if (ownJid) row.senderJid = ownJid;
    row.timestamp = sent.timestamp;
    row.raw = sent.raw ?? null;
    if (sent.media) {
      row.payload = { ...row.payload, media: sent.media };
      const bytes = mediaBytesOf((row.request as unknown as SendRequest).content);
      if (bytes) await this.mediaStore.captureSent(instance, row, bytes);
    }
    await this.statusLock.run(instance.id, async () => {
      const em = this.em.fork();
      const current = await em.findOneOrFail(Message, { id: row.id });
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
  }

  /**
   * After an edit was sent (docs/API.md §3.3 `edit`): the edited message's stored text becomes
   * the new one, so history, `getMessage` and the next edit's `oldContent` show what the chat shows.
   */
  private async applyEdit(instance: Instance, row: Message): Promise<void> {
    const content = (row.request as unknown as SendRequest).content;
    if (content.kind !== 'edit') return;
    await this.em
      .fork()
      .nativeUpdate(
        Message,
        { instance: instance.id, messageId: content.target.messageId },
        { content: content.text },
      );
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
    this.outcomes.recorded(row.id);
    await this.events.publish(
      instance,
      'message.status',
      sentStatusData(instance, row, 'server_error'),
    );
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
    const claimed = await this.em
      .fork()
      .nativeUpdate(Message, { id: row.id, published: false }, { published: true });
    if (claimed > 0)
      await this.events.publish(instance, 'message.exchange', sentExchangeData(instance, row));
    await this.events.publish(instance, 'message.status', sentStatusData(instance, row, 'sent'));
  }
}

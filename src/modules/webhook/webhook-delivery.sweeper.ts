import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '@wharf/config';
import { EventLog } from '@wharf/modules/events/entities/event-log.entity';

import { Webhook } from './entities/webhook.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { matchesFilter } from './webhook.dispatcher';
import { WebhookDeliveryQueue } from './webhook-delivery.queue';

const PAGE = 500;
const DAY_MS = 86_400_000;
/** Events younger than this are left to the dispatcher that is publishing them. */
const DISPATCH_GRACE_MS = 10_000;
/** How far back the start-up sweep looks for events that never got their deliveries. */
const DISPATCH_LOOKBACK_MS = DAY_MS;

/**
 * Keeps the event log, the deliveries and the queue in agreement (D6, "no loss"). On start-up and
 * every WEBHOOK_SWEEP_INTERVAL_MS:
 * - an event stored in the event log but left without its deliveries (the publishing process died
 *   between the two writes) gets them, for every enabled webhook that matches and was configured
 *   before the event (start-up looks back 24 h, later sweeps since the previous one);
 * - every `pending` or `failed` delivery whose next attempt has no job in Redis gets one again
 *   (after a crash, or a Redis that lost its data).
 * Jobs are idempotent per attempt and deliveries unique per (webhook, event), so several
 * processes may sweep at once. Once an hour, succeeded deliveries older than
 * WEBHOOK_DELIVERY_RETENTION_DAYS are deleted.
 */
@Injectable()
export class WebhookDeliverySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliverySweeper.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private lastCleanup = 0;
  /** End of the window the last missed-dispatch check covered. */
  private checkedUntil = 0;

  constructor(
    private readonly em: EntityManager,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly queue: WebhookDeliveryQueue,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.get('webhook.sweepIntervalMs', { infer: true });
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
    void this.tick();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sweep (and the retention cleanup when due); overlapping calls are skipped. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const dispatched = await this.dispatchMissed();
      if (dispatched > 0)
        this.logger.warn(`Created ${dispatched} webhook deliveries for events that had none`);
      const requeued = await this.requeueMissing();
      if (requeued > 0)
        this.logger.warn(`Re-queued ${requeued} webhook deliveries missing from Redis`);
      if (Date.now() - this.lastCleanup > 3_600_000) {
        this.lastCleanup = Date.now();
        await this.deleteExpired();
      }
    } catch (error) {
      this.logger.error(`Webhook delivery sweep failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** @returns how many deliveries were created for events that had none */
  async dispatchMissed(): Promise<number> {
    const until = Date.now() - DISPATCH_GRACE_MS;
    const from = this.checkedUntil ? this.checkedUntil - 60_000 : until - DISPATCH_LOOKBACK_MS;
    const em = this.em.fork();
    const webhooks = await em.find(Webhook, { enabled: true, url: { $ne: null } });
    let created = 0;
    for (const webhook of webhooks) {
      const since = Math.max(from, webhook.updatedAt.getTime());
      if (since >= until) continue;
      let lastId: string | undefined;
      for (;;) {
        const events = await em.find(
          EventLog,
          {
            instance: webhook.instance,
            createdAt: { $gte: new Date(since), $lt: new Date(until) },
            ...(lastId === undefined ? {} : { id: { $gt: lastId } }),
          },
          { orderBy: { id: 'asc' }, limit: PAGE, fields: ['id', 'event'] },
        );
        if (events.length === 0) break;
        lastId = events[events.length - 1].id;
        const wanted = events.filter((e) => matchesFilter(webhook, e.event));
        if (wanted.length === 0) continue;
        const existing = await em.find(
          WebhookDelivery,
          { webhook, eventId: { $in: wanted.map((e) => e.id) } },
          { fields: ['eventId'] },
        );
        const have = new Set(existing.map((d) => d.eventId));
        for (const event of wanted.filter((e) => !have.has(e.id))) {
          const row = await this.createDelivery(webhook, event);
          if (row) {
            await this.queue.add(row, 1);
            created += 1;
          }
        }
      }
    }
    this.checkedUntil = until;
    return created;
  }

  /** One delivery row; `null` when another process created it first. */
  private async createDelivery(
    webhook: Webhook,
    event: Pick<EventLog, 'id' | 'event'>,
  ): Promise<string | null> {
    const em = this.em.fork();
    const row = em.create(WebhookDelivery, {
      instance: webhook.instance.id,
      webhook: webhook.id,
      label: webhook.label,
      eventId: event.id,
      event: event.event,
    });
    try {
      await em.flush();
      return row.id;
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return null;
      throw error;
    }
  }

  /** @returns how many deliveries got their job back */
  async requeueMissing(): Promise<number> {
    let requeued = 0;
    let lastId: string | undefined;
    for (;;) {
      const em = this.em.fork();
      const rows = await em.find(
        WebhookDelivery,
        {
          status: { $in: ['pending', 'failed'] },
          ...(lastId === undefined ? {} : { id: { $gt: lastId } }),
        },
        { orderBy: { id: 'asc' }, limit: PAGE, fields: ['id', 'attempts', 'nextAttemptAt'] },
      );
      if (rows.length === 0) return requeued;
      for (const row of rows) {
        const attempt = row.attempts + 1;
        if (await this.queue.has(row.id, attempt)) continue;
        const delay = row.nextAttemptAt ? row.nextAttemptAt.getTime() - Date.now() : 0;
        await this.queue.add(row.id, attempt, delay);
        requeued += 1;
      }
      lastId = rows[rows.length - 1].id;
    }
  }

  /** Deletes succeeded deliveries older than the retention. */
  async deleteExpired(): Promise<number> {
    const days = this.config.get('webhook.retentionDays', { infer: true });
    return this.em.fork().nativeDelete(WebhookDelivery, {
      status: 'succeeded',
      createdAt: { $lt: new Date(Date.now() - days * DAY_MS) },
    });
  }
}

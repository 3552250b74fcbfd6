import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { EventEnvelope } from '@wharf/modules/events/event-envelope';
import { EventsService } from '@wharf/modules/events/events.service';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { Webhook } from './entities/webhook.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookDeliveryQueue } from './webhook-delivery.queue';

/** Whether a webhook's `events` filter lets `event` through (empty = all six, docs/API.md §2.3). */
export const matchesFilter = (webhook: Pick<Webhook, 'events'>, event: string) =>
  webhook.events.length === 0 || webhook.events.includes(event);

/**
 * Fans every published event out to the instance's enabled webhooks (D6, docs/ARCHITECTURE.md event
 * path): one `webhook_delivery` row per matching webhook, flushed before its Bull job is queued,
 * so the queue can always be rebuilt from the database (see WebhookDeliverySweeper).
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private unsubscribe?: () => void;

  constructor(
    private readonly events: EventsService,
    private readonly em: EntityManager,
    private readonly queue: WebhookDeliveryQueue,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((envelope, instance) => {
      this.dispatch(envelope, instance.id).catch((error: Error) =>
        this.logger.error(
          `Webhook dispatch failed for ${envelope.event} ${envelope.eventId}: ${error.message}`,
        ),
      );
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Creates the deliveries of one event and queues their first attempts; returns their ids. */
  async dispatch(envelope: EventEnvelope, instanceId: string): Promise<string[]> {
    const webhooks = await this.em
      .fork()
      .find(Webhook, { instance: instanceId, enabled: true }, { disableIdentityMap: true });
    const matching = webhooks.filter(
      (webhook) => webhook.url && matchesFilter(webhook, envelope.event),
    );
    if (matching.length === 0) return [];
    // A fresh context that holds only the new rows: flushing never touches the webhooks.
    const em = this.em.fork();
    const rows = matching.map((webhook) =>
      em.create(WebhookDelivery, {
        instance: em.getReference(Instance, instanceId),
        webhook: em.getReference(Webhook, webhook.id),
        label: webhook.label,
        eventId: envelope.eventId,
        event: envelope.event,
      }),
    );
    try {
      await em.flush();
    } catch (error) {
      // The sweeper may have created some of them already (slow dispatch): keep the others.
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      return this.dispatchOneByOne(envelope, instanceId, matching);
    }
    await Promise.all(rows.map((row) => this.queue.add(row.id, 1)));
    return rows.map((row) => row.id);
  }

  private async dispatchOneByOne(
    envelope: EventEnvelope,
    instanceId: string,
    webhooks: Webhook[],
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const webhook of webhooks) {
      const em = this.em.fork();
      const row = em.create(WebhookDelivery, {
        instance: em.getReference(Instance, instanceId),
        webhook: webhook.id,
        label: webhook.label,
        eventId: envelope.eventId,
        event: envelope.event,
      });
      try {
        await em.flush();
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) continue;
        throw error;
      }
      await this.queue.add(row.id, 1);
      ids.push(row.id);
    }
    return ids;
  }
}

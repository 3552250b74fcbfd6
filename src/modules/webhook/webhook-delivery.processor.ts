import { EntityManager } from '@mikro-orm/core';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SecretBox } from '@wharf/common/crypto';
import type { AllConfig } from '@wharf/config';
import { EventLog } from '@wharf/modules/events/entities/event-log.entity';
import type { EventEnvelope } from '@wharf/modules/events/event-envelope';
import type { EventName } from '@wharf/modules/events/event-names';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { MediaStoreService } from '@wharf/modules/media/media-store.service';
import { WHARF_VERSION } from '@wharf/version';

import { Webhook } from './entities/webhook.entity';
import {
  type DeliveryAttempt,
  type DeliveryStatus,
  WebhookDelivery,
} from './entities/webhook-delivery.entity';
import { nextRetry, parseRetryAfter } from './retry-schedule';
import { WebhookMetrics } from './webhook.metrics';
import { WebhookService } from './webhook.service';
import {
  type DeliveryJobData,
  isDeliveryJob,
  WebhookDeliveryQueue,
} from './webhook-delivery.queue';
import { WebhookHttpClient, type WebhookHttpResult } from './webhook-http.client';
import { signatureHeader } from './webhook-signature';
import { deliveryUrl } from './webhook-url';

/** How an attempt ended, before it is recorded. */
interface Outcome {
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** Delay before the next attempt, ms, when one is scheduled. */
  retryInMs: number | null;
  /** 410 Gone: disable the webhook (D6). */
  gone: boolean;
}

/**
 * Consumer of the `webhook-delivery` queue (D6): one job = one attempt. It signs and POSTs the
 * D7 envelope, records the attempt on the delivery row (guarded by the attempt count, so a
 * duplicated job never records twice), and queues the next attempt with the retry schedule.
 * Runs WEBHOOK_DELIVERY_CONCURRENCY jobs at a time; 0 leaves delivery to other processes.
 */
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);

  constructor(
    private readonly em: EntityManager,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly queue: WebhookDeliveryQueue,
    private readonly http: WebhookHttpClient,
    private readonly webhooks: WebhookService,
    private readonly box: SecretBox,
    private readonly metrics: WebhookMetrics,
    private readonly media: MediaStoreService,
  ) {}

  onApplicationBootstrap(): void {
    const concurrency = this.config.get('webhook.concurrency', { infer: true });
    if (concurrency > 0) this.queue.process(concurrency, (data) => this.handle(data));
  }

  /** Makes attempt `job.attempt` of a delivery; stale or duplicated jobs do nothing. */
  async handle(job: DeliveryJobData): Promise<void> {
    // A job fragment left by a Redis data loss carries no data (see WebhookDeliveryQueue.has).
    if (!isDeliveryJob(job)) return;
    const em = this.em.fork();
    const delivery = await em.findOne(WebhookDelivery, job.deliveryId, {
      populate: ['webhook', 'instance'],
    });
    if (!delivery) return;
    if (delivery.status === 'succeeded' || delivery.status === 'dead') return;
    if (delivery.attempts !== job.attempt - 1) return;

    const outcome = await this.attempt(em, delivery);
    const startedAt = new Date(Date.now() - outcome.durationMs);
    const nextAttemptAt =
      outcome.retryInMs === null ? null : new Date(Date.now() + outcome.retryInMs);
    const entry: DeliveryAttempt = {
      at: startedAt.toISOString(),
      statusCode: outcome.statusCode,
      durationMs: outcome.durationMs,
      error: outcome.error,
      nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
    };
    const recorded = await em.nativeUpdate(
      WebhookDelivery,
      { id: delivery.id, attempts: delivery.attempts },
      {
        status: outcome.status,
        attempts: delivery.attempts + 1,
        nextAttemptAt,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        deliveredAt: outcome.status === 'succeeded' ? new Date() : null,
        history: [...delivery.history, entry],
        updatedAt: new Date(),
      },
    );
    if (recorded === 0) return;
    this.metrics.attempt(
      outcome.status === 'succeeded' ? 'succeeded' : outcome.status === 'dead' ? 'dead' : 'failed',
      outcome.durationMs,
      delivery.createdAt,
    );
    if (outcome.gone) await this.disable(em, delivery.webhook);
    if (outcome.retryInMs !== null)
      await this.queue.add(delivery.id, delivery.attempts + 2, outcome.retryInMs);
  }

  private async attempt(em: EntityManager, delivery: WebhookDelivery): Promise<Outcome> {
    const webhook = delivery.webhook;
    if (!webhook.enabled || !webhook.url) return final('dead', null, 'Webhook is disabled', 0);
    const log = await em.findOne(EventLog, delivery.eventId);
    if (!log) return final('dead', null, 'Event no longer exists', 0);

    const body = JSON.stringify(await this.envelope(log, delivery.instance, webhook));
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': `Wharf/${WHARF_VERSION}`,
      'webhook-id': delivery.eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(
        this.webhooks.signingSecrets(webhook),
        delivery.eventId,
        timestamp,
        body,
      ),
    };
    const authorization = this.webhooks.authorization(webhook);
    if (authorization) headers.authorization = authorization;

    const url = deliveryUrl(webhook.url, webhook.byEvents, delivery.event);
    const result = await this.http.post(url, headers, body);
    return this.judge(delivery, result);
  }

  /** 2xx succeeds; 410 disables the webhook; anything else is retried until the schedule ends. */
  private judge(delivery: WebhookDelivery, result: WebhookHttpResult): Outcome {
    const statusCode = result.kind === 'response' ? result.statusCode : null;
    if (statusCode !== null && statusCode >= 200 && statusCode < 300)
      return final('succeeded', statusCode, null, result.durationMs);
    if (statusCode === 410)
      return { ...final('dead', 410, 'HTTP 410: webhook disabled', result.durationMs), gone: true };
    const error =
      result.kind === 'error'
        ? result.error
        : statusCode !== null && statusCode >= 300 && statusCode < 400
          ? `HTTP ${statusCode}: redirects are not followed`
          : `HTTP ${statusCode}`;
    const retryAfter =
      result.kind === 'response' && (statusCode === 429 || statusCode === 503)
        ? parseRetryAfter(result.retryAfter)
        : null;
    const decision = nextRetry(
      {
        scheduleMs: this.config.get('webhook.retryScheduleMs', { infer: true }),
        jitterPercent: this.config.get('webhook.retryJitterPercent', { infer: true }),
      },
      delivery.attempts + 1 - delivery.cycleStart,
      retryAfter,
    );
    if (!decision.retry) return final('dead', statusCode, error, result.durationMs);
    return {
      status: 'failed',
      statusCode,
      error,
      durationMs: result.durationMs,
      retryInMs: decision.delayMs,
      gone: false,
    };
  }

  /**
   * The D7 envelope of a stored event. For webhooks with `mediaBase64`, a `message.exchange`
   * with stored media gets `media.base64` (read at each attempt, never kept in the event log).
   */
  private async envelope(
    log: EventLog,
    instance: Instance,
    webhook: Webhook,
  ): Promise<EventEnvelope> {
    const instanceData: EventEnvelope['instanceData'] = {
      baseUrl: this.config.get('app.publicUrl', { infer: true }),
      instance: instance.name,
    };
    if (this.config.get('security.eventsIncludeInstanceToken', { infer: true }))
      instanceData.token = this.box.open(instance.tokenCipher, {
        table: 'instance',
        column: 'token_cipher',
        rowId: instance.id,
      });
    const data =
      webhook.mediaBase64 && log.event === 'message.exchange'
        ? await this.media.withBase64(instance.id, log.data)
        : log.data;
    return { event: log.event as EventName, eventId: log.id, data, instanceData };
  }

  /** 410 Gone: the webhook is disabled like `enabled: false` and receives nothing further (D6). */
  private async disable(em: EntityManager, webhook: Webhook): Promise<void> {
    await em.nativeUpdate(
      Webhook,
      { id: webhook.id },
      {
        enabled: false,
        url: null,
        authorizationCipher: null,
        events: [],
        mediaBase64: false,
        updatedAt: new Date(),
      },
    );
    this.logger.warn(`Webhook ${webhook.label} answered 410 Gone and was disabled`);
  }
}

function final(
  status: DeliveryStatus,
  statusCode: number | null,
  error: string | null,
  durationMs: number,
): Outcome {
  return { status, statusCode, error, durationMs, retryInMs: null, gone: false };
}

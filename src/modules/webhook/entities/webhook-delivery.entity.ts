import { type Opt } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { Webhook } from './webhook.entity';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'dead'] as const;
/**
 * `pending`: waiting for its first attempt (or a replay); `failed`: the last attempt failed and a
 * retry is scheduled at `nextAttemptAt`; `succeeded`: a 2xx arrived; `dead`: no retry left (D6).
 */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One attempt of a delivery, as recorded in {@link WebhookDelivery.history}. */
export interface DeliveryAttempt {
  /** ISO time the attempt started. */
  at: string;
  /** HTTP status of the answer; `null` when none arrived (refused, timed out, blocked). */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** ISO time of the next attempt, `null` when none is scheduled. */
  nextAttemptAt: string | null;
}

/**
 * One event to one webhook (D6): written before its Bull job is queued, so the database is the
 * record the queue can always be rebuilt from. The event itself is the `event_log` row `eventId`.
 */
@Entity({ tableName: 'webhook_delivery' })
@Unique({ properties: ['webhook', 'eventId'] })
@Index({ properties: ['instance', 'createdAt'] })
@Index({ properties: ['status', 'nextAttemptAt'] })
export class WebhookDelivery extends BaseEntity {
  @ManyToOne(() => Instance, { deleteRule: 'cascade', updateRule: 'cascade' })
  instance: Instance;

  @ManyToOne(() => Webhook, { deleteRule: 'cascade', updateRule: 'cascade' })
  webhook: Webhook;

  /** The webhook's label when the delivery was created (filter of the deliveries API). */
  @Property({ type: 'string', length: 100 })
  label: string;

  /** The event id (UUIDv7), also the `webhook-id` header on every attempt. */
  @Property({ type: 'uuid' })
  eventId: string;

  @Property({ type: 'string', length: 40 })
  event: string;

  @Property({ type: 'string', length: 10 })
  status: Opt<DeliveryStatus> = 'pending';

  /** Attempts made so far, over the delivery's whole life (replays included). */
  @Property({ type: 'integer' })
  attempts: Opt<number> = 0;

  /** `attempts` when the current retry cycle began (0, or the count at the last replay). */
  @Property({ type: 'integer' })
  cycleStart: Opt<number> = 0;

  @Property({ type: 'datetime', length: 3, nullable: true })
  nextAttemptAt: Opt<Date> | null = new Date();

  @Property({ type: 'integer', nullable: true })
  lastStatusCode: number | null = null;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  deliveredAt: Date | null = null;

  /** Every attempt, oldest first. */
  @Property({ type: 'json' })
  history: Opt<DeliveryAttempt[]> = [];
}

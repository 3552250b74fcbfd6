import { EntityManager, type FilterQuery } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { OperationFailedError } from '@wharf/common/errors';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { DeliveryDto, ListDeliveriesQueryDto, RetryDeliveriesDto } from './dto/webhook.dto';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookDeliveryQueue } from './webhook-delivery.queue';

const DEFAULT_PAGE = 50;

export function toDeliveryDto(row: WebhookDelivery): DeliveryDto {
  return {
    id: row.id,
    eventId: row.eventId,
    event: row.event,
    label: row.label,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    history: [...row.history],
  };
}

/** The deliveries extension of D6: read the records, replay some. */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    private readonly em: EntityManager,
    private readonly queue: WebhookDeliveryQueue,
  ) {}

  /**
   * One page of the instance's deliveries, newest first (ids are UUIDv7, so by creation).
   * @returns the page and the cursor of the next one (`null` on the last page)
   */
  async list(
    instance: Instance,
    query: ListDeliveriesQueryDto,
  ): Promise<{ deliveries: DeliveryDto[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const where: FilterQuery<WebhookDelivery> = { instance };
    if (query.label !== undefined) where.label = query.label;
    if (query.status !== undefined) where.status = query.status;
    if (query.event !== undefined) where.event = query.event;
    if (query.from !== undefined || query.to !== undefined)
      where.createdAt = {
        ...(query.from !== undefined ? { $gte: new Date(query.from) } : {}),
        ...(query.to !== undefined ? { $lt: new Date(query.to) } : {}),
      };
    if (query.cursor !== undefined) where.id = { $lt: query.cursor };
    try {
      const rows = await this.em.find(WebhookDelivery, where, {
        orderBy: { id: 'desc' },
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        deliveries: page.map(toDeliveryDto),
        nextCursor: rows.length > limit ? page[page.length - 1].id : null,
      };
    } catch (error) {
      throw new OperationFailedError('Failed to get webhook deliveries', error);
    }
  }

  /**
   * Replays deliveries of the instance: the given ids (any status but `pending`; unknown ids are
   * skipped), or every `dead` one. Each starts a fresh retry cycle now; history is kept.
   * @returns the ids queued again
   */
  async retry(instance: Instance, body: RetryDeliveriesDto): Promise<string[]> {
    const where: FilterQuery<WebhookDelivery> =
      body.ids !== undefined
        ? { instance, id: { $in: body.ids }, status: { $ne: 'pending' } }
        : { instance, status: 'dead' };
    try {
      const rows = await this.em.find(WebhookDelivery, where, { orderBy: { id: 'asc' } });
      const now = new Date();
      for (const row of rows) {
        row.status = 'pending';
        row.cycleStart = row.attempts;
        row.nextAttemptAt = now;
      }
      await this.em.flush();
      for (const row of rows) await this.queue.add(row.id, row.attempts + 1, 0, true);
      return rows.map((row) => row.id);
    } catch (error) {
      throw new OperationFailedError('Failed to retry webhook deliveries', error);
    }
  }
}

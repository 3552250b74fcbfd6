import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { bullProbe, QueueMonitor } from '@wharf/common/metrics/queue-monitor';
import { holdsWholeJob } from '@wharf/common/redis/bull-fragments';
import type { Queue } from 'bull';

import { WEBHOOK_DELIVERY_QUEUE } from './webhook.constants';

/** Data of a delivery job: ids only (docs/CONVENTIONS.md §8). */
export interface DeliveryJobData {
  deliveryId: string;
  /** The attempt this job makes, counted over the delivery's life (1 = first). */
  attempt: number;
}

/** Whether job data is a whole delivery job, not the empty data of a fragment (see `holdsWholeJob`). */
export const isDeliveryJob = (
  data: Partial<DeliveryJobData> | undefined,
): data is DeliveryJobData => typeof data?.deliveryId === 'string';

/** Job id of one attempt: adding the same attempt twice keeps one job (Bull dedupes by id). */
export const deliveryJobId = (deliveryId: string, attempt: number) => `${deliveryId}.${attempt}`;

/**
 * The producer side of the `webhook-delivery` queue; the only place that knows it is Bull.
 * Every job is one attempt; retries are new delayed jobs (see the processor).
 */
@Injectable()
export class WebhookDeliveryQueue {
  constructor(
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly queue: Queue<DeliveryJobData>,
    private readonly monitor: QueueMonitor,
  ) {}

  /**
   * Queues attempt `attempt` of a delivery after `delayMs`. Idempotent per attempt; when the
   * attempt is already waiting with a delay and `promote` is set, it runs now instead.
   */
  async add(deliveryId: string, attempt: number, delayMs = 0, promote = false): Promise<void> {
    const jobId = deliveryJobId(deliveryId, attempt);
    if (promote) {
      const existing = await this.queue.getJob(jobId);
      if (existing && (await existing.isDelayed())) await existing.remove();
    }
    await this.queue.add(
      { deliveryId, attempt },
      {
        jobId,
        delay: Math.max(0, Math.round(delayMs)),
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  /**
   * Whether the job of that attempt is in Redis (waiting, delayed, active or paused); a fragment
   * left by a Redis data loss is deleted and counts as absent (see `holdsWholeJob`), so the
   * sweeper queues the attempt again.
   */
  has(deliveryId: string, attempt: number): Promise<boolean> {
    return holdsWholeJob(this.queue, deliveryJobId(deliveryId, attempt), isDeliveryJob);
  }

  /** Starts this process's worker with `concurrency` parallel jobs. */
  process(concurrency: number, handler: (data: DeliveryJobData) => Promise<void>): void {
    this.monitor.register(bullProbe(WEBHOOK_DELIVERY_QUEUE, this.queue));
    this.queue
      .process(concurrency, (job) => handler(job.data))
      .catch((error: Error) =>
        new Logger(WebhookDeliveryQueue.name).error(`Delivery worker stopped: ${error.message}`),
      );
  }
}

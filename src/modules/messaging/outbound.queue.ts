import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { bullProbe, QueueMonitor } from '@wharf/common/metrics/queue-monitor';
import { openQueue } from '@wharf/common/queue/create-queue';
import { holdsWholeJob } from '@wharf/common/redis/bull-fragments';
import type { AllConfig } from '@wharf/config';
import type { Job, Queue } from 'bull';

/** Base name of the outbound queues; each session owner has `outbound:<ownerId>` (D14, D20). */
export const OUTBOUND_QUEUE = 'outbound';

/** What an outbound job carries: ids only (docs/CONVENTIONS.md §8). */
export interface OutboundJobData {
  /** Primary key of the `message` row to send. */
  rowId: string;
  instanceId: string;
}

/** Whether job data is a whole send job, not the empty data of a fragment (see `holdsWholeJob`). */
export const isOutboundJob = (
  data: Partial<OutboundJobData> | undefined,
): data is OutboundJobData => typeof data?.rowId === 'string';

export type OutboundHandler = (job: Job<OutboundJobData>) => Promise<void>;

/**
 * Producer and consumer side of the outbound queues (D14). A send must run in the process that
 * owns the instance's socket, so every owner consumes its own queue `outbound:<ownerId>` and
 * producers add to the queue of the current lease holder. Jobs are FIFO; the consumer keeps one
 * ordered lane per instance. Bull stays behind this class so a later move to BullMQ stays local.
 */
@Injectable()
export class OutboundQueue implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboundQueue.name);
  private readonly queues = new Map<string, Queue<OutboundJobData>>();

  constructor(
    private readonly config: ConfigService<AllConfig, true>,
    private readonly monitor: QueueMonitor,
  ) {}

  private queueOf(ownerId: string): Queue<OutboundJobData> {
    let queue = this.queues.get(ownerId);
    if (!queue) {
      queue = openQueue<OutboundJobData>(this.config, `${OUTBOUND_QUEUE}:${ownerId}`, {
        defaultJobOptions: { attempts: 1, removeOnComplete: 1000, removeOnFail: 1000 },
      });
      queue.on('error', (error) => this.logger.warn(`Outbound queue ${ownerId}: ${error.message}`));
      this.queues.set(ownerId, queue);
    }
    return queue;
  }

  /** Adds a send to the queue of `ownerId`; resolves with the job (to await its outcome). */
  async add(ownerId: string, data: OutboundJobData): Promise<Job<OutboundJobData>> {
    return this.queueOf(ownerId).add(data, { jobId: data.rowId });
  }

  /**
   * Adds a send again after a restart or takeover (D14 recovery). Unlike `add`, it first deletes a
   * fragment of the job a Redis data loss may have left under the same id, which would otherwise
   * swallow the add (see `holdsWholeJob`).
   */
  async requeue(ownerId: string, data: OutboundJobData): Promise<void> {
    await holdsWholeJob(this.queueOf(ownerId), data.rowId, isOutboundJob);
    await this.add(ownerId, data);
  }

  /** Starts consuming this process's queue with `concurrency` jobs at once (lanes keep order). */
  consume(ownerId: string, concurrency: number, handler: OutboundHandler): void {
    const queue = this.queueOf(ownerId);
    this.monitor.register(bullProbe(OUTBOUND_QUEUE, queue));
    void queue.process(concurrency, handler);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
  }
}

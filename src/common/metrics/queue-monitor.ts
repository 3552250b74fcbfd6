import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { Gauge } from 'prom-client';

import { MetricsRegistry } from './metrics.registry';

/** How long `/metrics` waits for a queue's job counts before leaving them out, ms. */
const COUNTS_TIMEOUT_MS = 500;

/** Job counts of one queue, by Bull state. */
export type QueueCounts = Record<'waiting' | 'active' | 'delayed' | 'failed', number>;

/** What the monitor needs of a queue this process consumes. */
export interface QueueProbe {
  /** Metric label, e.g. `webhook-delivery`, `outbound`. */
  name: string;
  /** True while this process's worker is attached and its Redis connections are ready. */
  working(): boolean;
  counts(): Promise<QueueCounts>;
}

/**
 * The queue workers of this process, for `/health/ready` ("queue workers", D18) and the
 * `wharf_queue_jobs{queue,state}` gauge of `/metrics`. Queue owners register a probe when their
 * worker starts; a process that consumes no queue (e.g. `WEBHOOK_DELIVERY_CONCURRENCY=0`)
 * registers none and is not reported down for it.
 */
@Injectable()
export class QueueMonitor {
  private readonly probes = new Map<string, QueueProbe>();

  constructor(registry: MetricsRegistry) {
    const probes = this.probes;
    new Gauge({
      name: 'wharf_queue_jobs',
      help: 'Jobs in the queues this process consumes, by state',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const probe of probes.values()) {
          // Redis down: ioredis queues commands instead of failing, so never wait long here.
          const counts = await withTimeout(probe.counts(), COUNTS_TIMEOUT_MS).catch(() => null);
          if (!counts) continue;
          for (const [state, value] of Object.entries(counts))
            this.set({ queue: probe.name, state }, value);
        }
      },
    });
  }

  register(probe: QueueProbe): void {
    this.probes.set(probe.name, probe);
  }

  /** Names of registered queues whose worker is not working (empty = all healthy). */
  down(): string[] {
    return [...this.probes.values()].filter((p) => !p.working()).map((p) => p.name);
  }
}

/** A {@link QueueProbe} for a Bull queue whose `process()` has been called in this process. */
export function bullProbe(name: string, queue: Queue): QueueProbe {
  return {
    name,
    working: () => {
      const q = queue as Queue & { bclient?: { status: string }; closing?: unknown };
      return (
        !q.closing && queue.client.status === 'ready' && (q.bclient?.status ?? 'ready') === 'ready'
      );
    },
    counts: async () => {
      const c = await queue.getJobCounts();
      return { waiting: c.waiting, active: c.active, delayed: c.delayed, failed: c.failed };
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

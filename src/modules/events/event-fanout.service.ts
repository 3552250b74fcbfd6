import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { REDIS } from '@wharf/common/redis/redis.module';
import type { AllConfig } from '@wharf/config';
import type Redis from 'ioredis';

import type { EventEnvelope } from './event-envelope';
import { EventsService } from './events.service';

/** An event as it travels between processes. */
export interface FannedOutEvent {
  origin: string;
  instanceId: string;
  envelope: EventEnvelope;
}

export type FanoutListener = (event: { instanceId: string; envelope: EventEnvelope }) => void;

/**
 * Cross-process fan-out of events (D8, docs/ARCHITECTURE.md): every published event goes to a Redis
 * pub/sub channel, and every process hands events to its local listeners (WebSocket clients)
 * whichever process produced them. Local events are delivered directly, so the local stream
 * does not depend on Redis; events of this process coming back from Redis are skipped.
 */
@Injectable()
export class EventFanoutService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EventFanoutService.name);
  private readonly origin = randomUUID();
  private readonly listeners = new Set<FanoutListener>();
  private subscriber?: Redis;
  private unsubscribeLocal?: () => void;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly events: EventsService,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  private get channel(): string {
    return `${this.config.get('redis.keyPrefix', { infer: true })}events`;
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribeLocal = this.events.subscribe((envelope, instance) => {
      this.deliver({ instanceId: instance.id, envelope });
      const message: FannedOutEvent = { origin: this.origin, instanceId: instance.id, envelope };
      this.redis.publish(this.channel, JSON.stringify(message)).catch((error: unknown) => {
        this.logger.warn(`Event fan-out to other processes failed: ${(error as Error).message}`);
      });
    });
    this.subscriber = this.redis.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      try {
        const message = JSON.parse(raw) as FannedOutEvent;
        if (message.origin !== this.origin) this.deliver(message);
      } catch (error) {
        this.logger.warn(`Malformed fan-out message: ${(error as Error).message}`);
      }
    });
    await this.subscriber.subscribe(this.channel).catch((error: unknown) => {
      this.logger.warn(
        `Event fan-out subscription failed (Redis down?): ${(error as Error).message}`,
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribeLocal?.();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /** Receives every event of every process; returns the unsubscribe function. */
  subscribe(listener: FanoutListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private deliver(event: { instanceId: string; envelope: EventEnvelope }): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(`Fan-out listener failed: ${(error as Error).message}`);
      }
    }
  }
}

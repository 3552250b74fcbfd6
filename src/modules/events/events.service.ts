import { EventEmitter } from 'node:events';

import { EntityManager } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '@wharf/config';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { bareJids } from './bare-jids';
import { EventLog } from './entities/event-log.entity';
import type { EventData, EventEnvelope } from './event-envelope';
import type { EventName } from './event-names';

/** Where published events go after they are stored: webhooks, WebSocket and Chatwoot subscribe. */
export type EventListener = (
  envelope: EventEnvelope,
  instance: { id: string; name: string },
) => void;

/**
 * The one way events enter Wharf (docs/ARCHITECTURE.md, event path): `publish` writes the event log
 * row (id = UUIDv7 `eventId`) and only then hands the D7 envelope to the in-process bus, so a
 * crash never loses an event that anything saw.
 */
@Injectable()
export class EventsService {
  private readonly logger = new Logger(EventsService.name);
  private readonly bus = new EventEmitter({ captureRejections: false });

  constructor(
    private readonly em: EntityManager,
    private readonly config: ConfigService<AllConfig, true>,
  ) {
    this.bus.setMaxListeners(100);
  }

  /**
   * Persists and publishes one event; `data` is checked against the event's type
   * ({@link EventData}).
   * @param instance the instance the event belongs to (only `id` and `name` are read)
   * @returns the envelope as delivered
   */
  async publish<E extends EventName>(
    instance: Pick<Instance, 'id' | 'name'>,
    event: E,
    data: EventData[E],
  ): Promise<EventEnvelope<EventData[E]>> {
    data = bareJids(data); // D25: one normalisation, no device JID in any event
    const em = this.em.fork();
    const row = em.create(EventLog, {
      instance: em.getReference(Instance, instance.id),
      event,
      data: data,
    });
    await em.flush();
    const envelope: EventEnvelope<EventData[E]> = {
      event,
      eventId: row.id,
      data,
      instanceData: {
        baseUrl: this.config.get('app.publicUrl', { infer: true }),
        instance: instance.name,
      },
    };
    for (const listener of this.bus.listeners('event') as EventListener[]) {
      try {
        listener(envelope as EventEnvelope, { id: instance.id, name: instance.name });
      } catch (error) {
        this.logger.error(
          `Event listener failed for ${event} ${row.id}: ${(error as Error).message}`,
        );
      }
    }
    return envelope;
  }

  /** Subscribes to every published event; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.bus.on('event', listener);
    return () => this.bus.off('event', listener);
  }
}

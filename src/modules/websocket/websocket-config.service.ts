import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { OperationFailedError } from '@wharf/common/errors';
import { retryAfterInsertRace } from '@wharf/database/unique-race';
import { checkEventFilter } from '@wharf/modules/events/event-names';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { WebsocketSummaryDto } from './dto/websocket-config.dto';
import { WebsocketConfig } from './entities/websocket-config.entity';

export interface WebsocketInput {
  enabled: boolean;
  events?: unknown;
  mediaBase64?: unknown;
}

export function toWebsocketSummary(row: WebsocketConfig | null | undefined): WebsocketSummaryDto {
  if (!row?.enabled) return { enabled: false, events: [], mediaBase64: false };
  return { enabled: true, events: [...row.events], mediaBase64: row.mediaBase64 };
}

/** The WebSocket config of an instance (docs/API.md §3.9, D8). */
@Injectable()
export class WebsocketConfigService {
  constructor(private readonly em: EntityManager) {}

  /** @returns an error text, or `null` */
  check(input: WebsocketInput): string | null {
    if (input.mediaBase64 !== undefined && typeof input.mediaBase64 !== 'boolean') {
      return 'websocketMediaBase64 must be a boolean';
    }
    return checkEventFilter(input.events, 'websocketEvents');
  }

  /** Creates or overwrites the config; `enabled: false` clears `events` and `mediaBase64`. */
  async apply(instance: Instance, input: WebsocketInput, isNew = false): Promise<WebsocketConfig> {
    const existing = isNew ? null : await this.em.findOne(WebsocketConfig, { instance });
    const row = existing ?? this.em.create(WebsocketConfig, { instance });
    row.enabled = input.enabled;
    row.events =
      input.enabled && Array.isArray(input.events) ? [...new Set(input.events as string[])] : [];
    row.mediaBase64 = input.enabled && input.mediaBase64 === true;
    return row;
  }

  /**
   * The stored config; a config never set reads as the disabled default
   * `{ enabled: false, events: [], mediaBase64: false }` (amended D8: clients read the config
   * before writing it and stop on a 404).
   * @throws OperationFailedError `Failed to get websocket configuration`
   */
  async read(instance: Instance): Promise<WebsocketSummaryDto> {
    let row: WebsocketConfig | null;
    try {
      row = await this.em.findOne(WebsocketConfig, { instance });
    } catch (error) {
      throw new OperationFailedError('Failed to get websocket configuration', error);
    }
    return toWebsocketSummary(row);
  }

  /** Creates or overwrites the config from the route body (`enabled` defaults to true). */
  async set(
    instance: Instance,
    input: { enabled?: boolean; events?: string[]; mediaBase64?: boolean },
  ): Promise<WebsocketSummaryDto> {
    try {
      return await retryAfterInsertRace(this.em, async () => {
        const row = await this.apply(instance, {
          enabled: input.enabled ?? true,
          events: input.events,
          mediaBase64: input.mediaBase64,
        });
        await this.em.flush();
        return toWebsocketSummary(row);
      });
    } catch (error) {
      throw new OperationFailedError('Failed to get instance', error);
    }
  }

  async summaries(instances: Instance[]): Promise<Map<string, WebsocketSummaryDto>> {
    const rows = await this.em.find(WebsocketConfig, {
      instance: { $in: instances.map((i) => i.id) },
    });
    return new Map(rows.map((row) => [row.instance.id, toWebsocketSummary(row)]));
  }
}

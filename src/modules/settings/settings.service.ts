import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { OperationFailedError } from '@wharf/common/errors';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { SettingsDto, UpdateSettingsDto } from './dto/settings.dto';
import { InstanceSettings } from './entities/instance-settings.entity';

export const SETTING_KEYS = [
  'autoRejectCalls',
  'callRejectMessage',
  'ignoreGroupMessages',
  'keepOnlineStatus',
  'autoReadMessages',
  'disableHistorySync',
  'ignoreStatus',
  'sendRatePerMinute',
] as const satisfies ReadonlyArray<keyof SettingsDto>;

export function toSettingsDto(settings: InstanceSettings): SettingsDto {
  return {
    autoRejectCalls: settings.autoRejectCalls,
    callRejectMessage: settings.callRejectMessage,
    ignoreGroupMessages: settings.ignoreGroupMessages,
    keepOnlineStatus: settings.keepOnlineStatus,
    autoReadMessages: settings.autoReadMessages,
    disableHistorySync: settings.disableHistorySync,
    ignoreStatus: settings.ignoreStatus,
    sendRatePerMinute: settings.sendRatePerMinute,
  };
}

/** The defaults of docs/API.md §3.1 getSettings, as the entity declares them. */
export const DEFAULT_SETTINGS: SettingsDto = toSettingsDto(new InstanceSettings());

/** Behaviour settings of an instance (docs/API.md §3.1). Every instance has exactly one row. */
/** Called after an update with the fields that were sent (sessions apply some at once). */
export type SettingsChangeListener = (instanceId: string, changed: Partial<SettingsDto>) => void;

@Injectable()
export class SettingsService {
  private readonly listeners = new Set<SettingsChangeListener>();

  constructor(private readonly em: EntityManager) {}

  /** Subscribes to updates (the session provider applies `keepOnlineStatus` at once). */
  onChange(listener: SettingsChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates the instance's settings row, applying any fields given inline at creation. */
  create(instance: Instance, values: UpdateSettingsDto): InstanceSettings {
    const settings = this.em.create(InstanceSettings, { instance });
    this.assign(settings, values);
    return settings;
  }

  /** @throws OperationFailedError `Failed to get settings configuration` */
  async get(instance: Pick<Instance, 'id'>): Promise<SettingsDto> {
    try {
      return toSettingsDto(await this.load(this.em.fork(), instance));
    } catch (error) {
      throw new OperationFailedError('Failed to get settings configuration', error);
    }
  }

  /** Applies the given fields and leaves the rest unchanged. */
  async update(instance: Instance, values: UpdateSettingsDto): Promise<SettingsDto> {
    try {
      const em = this.em.fork();
      const settings = await this.load(em, instance);
      this.assign(settings, values);
      await em.flush();
      const changed = Object.fromEntries(
        SETTING_KEYS.filter((k) => values[k] !== undefined).map((k) => [k, values[k]]),
      );
      for (const listener of this.listeners) listener(instance.id, changed);
      return toSettingsDto(settings);
    } catch (error) {
      throw new OperationFailedError('Failed to update settings configuration', error);
    }
  }

  /** Settings of several instances at once (list endpoint), keyed by instance id. */
  async summaries(instances: Instance[]): Promise<Map<string, SettingsDto>> {
    const rows = await this.em.find(InstanceSettings, {
      instance: { $in: instances.map((i) => i.id) },
    });
    return new Map(rows.map((row) => [row.instance.id, toSettingsDto(row)]));
  }

  /** The settings row in `em` (created with defaults when missing). Works outside HTTP too. */
  private async load(em: EntityManager, instance: Pick<Instance, 'id'>): Promise<InstanceSettings> {
    const existing = await em.findOne(InstanceSettings, { instance: instance.id });
    return (
      existing ?? em.create(InstanceSettings, { instance: em.getReference(Instance, instance.id) })
    );
  }

  private assign(settings: InstanceSettings, values: UpdateSettingsDto): void {
    for (const key of SETTING_KEYS) {
      const value = values[key];
      if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
    }
  }
}

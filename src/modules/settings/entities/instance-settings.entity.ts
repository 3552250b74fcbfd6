import { type Opt } from '@mikro-orm/core';
import { Entity, OneToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

/** Behaviour settings of an instance (docs/API.md §3.1 getSettings; `sendRatePerMinute` D14). */
@Entity({ tableName: 'instance_settings' })
export class InstanceSettings extends BaseEntity {
  @OneToOne(() => Instance, { owner: true, deleteRule: 'cascade', updateRule: 'cascade', unique: true })
  instance: Instance;

  @Property({ type: 'boolean' })
  autoRejectCalls: Opt<boolean> = false;

  @Property({ type: 'text' })
  callRejectMessage: Opt<string> = '';

  @Property({ type: 'boolean' })
  ignoreGroupMessages: Opt<boolean> = false;

  @Property({ type: 'boolean' })
  keepOnlineStatus: Opt<boolean> = false;

  @Property({ type: 'boolean' })
  autoReadMessages: Opt<boolean> = false;

  @Property({ type: 'boolean' })
  disableHistorySync: Opt<boolean> = true;

  @Property({ type: 'boolean' })
  ignoreStatus: Opt<boolean> = false;

  /** Outbound pacing, messages per minute; 0 = unlimited (D14). */
  @Property({ type: 'integer' })
  sendRatePerMinute: Opt<number> = 0;
}

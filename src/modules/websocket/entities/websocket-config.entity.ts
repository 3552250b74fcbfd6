import { type Opt } from '@mikro-orm/core';
import { Entity, OneToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '@wharf/database/base.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

/** The WebSocket event stream config of an instance (docs/API.md §3.9, D8). */
@Entity({ tableName: 'websocket_config' })
export class WebsocketConfig extends BaseEntity {
  @OneToOne(() => Instance, { owner: true, deleteRule: 'cascade', updateRule: 'cascade', unique: true })
  instance: Instance;

  @Property({ type: 'boolean' })
  enabled: Opt<boolean> = false;

  @Property({ type: 'json' })
  events: Opt<string[]> = [];

  @Property({ type: 'boolean' })
  mediaBase64: Opt<boolean> = false;
}

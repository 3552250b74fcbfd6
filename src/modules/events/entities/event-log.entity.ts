import { type Opt } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { v7 as uuidv7 } from 'uuid';

/**
 * Every event of an instance, written before any delivery starts (D6). The id is the UUIDv7
 * `eventId` of the envelope (D7) and the `webhook-id` of deliveries.
 */
@Entity({ tableName: 'event_log' })
@Index({ properties: ['instance', 'createdAt'] })
export class EventLog {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Instance, { deleteRule: 'cascade', updateRule: 'cascade' })
  instance: Instance;

  /** One of the six event names of docs/API.md §2.5. */
  @Property({ type: 'string', length: 40 })
  event: string;

  /** The envelope's `data` (D7). */
  @Property({ type: 'json' })
  data: Record<string, unknown>;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Opt<Date> = new Date();
}
